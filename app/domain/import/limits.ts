/** Upload limits shared by the browser (checked before sending) and the server. */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
