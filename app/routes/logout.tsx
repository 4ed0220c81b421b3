import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { clientAddress, getAuthenticated } from "~/auth/guard.server";
import { recordAudit } from "~/models/audit.server";
import { db, sessions } from "~/services.server";

export async function action({ request, context }: ActionFunctionArgs) {
  const authenticated = await getAuthenticated(request, context);
  if (authenticated) {
    await sessions().invalidateSession(authenticated.sessionId);
    await recordAudit(db(), {
      actorUserId: authenticated.viewer.userId, actorName: authenticated.viewer.displayName, action: "logout",
      countyId: authenticated.viewer.grants[0]?.countyId ?? null, address: clientAddress(context),
    });
  }
  throw redirect("/login", { headers: { "Set-Cookie": sessions().createBlankSessionCookie().serialize() } });
}

export async function loader() {
  throw redirect("/");
}
