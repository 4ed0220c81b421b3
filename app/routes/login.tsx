import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { clientAddress, getAuthenticated } from "~/auth/guard.server";
import { attemptLogin } from "~/auth/login.server";
import { Field, FormError } from "~/components/Field";
import { parseForm } from "~/domain/forms";
import { homePath } from "~/domain/permissions";
import { safeRedirect } from "~/domain/redirect";
import { loadViewer } from "~/models/users.server";
import { db, sessions } from "~/services.server";

export const meta: MetaFunction = () => [{ title: "登录 · 绩效自评审核平台" }];

const loginSchema = z.object({
  username: z.string().trim().min(1, "请输入用户名").max(64, "用户名不能超过64个字符"),
  password: z.string().min(1, "请输入密码").max(256, "密码不能超过256个字符"),
  // A too-long or odd redirect target is dropped (home page instead), never a refusal.
  redirectTo: z.string().max(500).optional().catch(undefined),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  // The login page is public; a signed-in visitor goes straight home.
  const authenticated = await getAuthenticated(request, context);
  if (authenticated) throw redirect(homePath(authenticated.viewer));
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = parseForm(loginSchema, await request.formData());
  if (!form.ok) return data({ errors: form.errors, username: form.fields.username ?? "", message: undefined }, { status: 400 });
  const { username, password, redirectTo } = form.value;
  const outcome = await attemptLogin(db(), sessions(), { username, password, address: clientAddress(context) });
  if (!outcome.ok) {
    return data({ errors: {} as Record<string, string>, username, message: outcome.message }, { status: outcome.throttled ? 429 : 401 });
  }
  const viewer = await loadViewer(db(), outcome.userId);
  const cookie = sessions().createSessionCookie(outcome.sessionId);
  throw redirect(safeRedirect(redirectTo, viewer ? homePath(viewer) : "/"), { headers: { "Set-Cookie": cookie.serialize() } });
}

export default function Login() {
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  return (
    <div className="card login-card">
      <h1>登录</h1>
      <FormError message={result?.message} />
      <Form method="post" noValidate>
        {/* Only a same-site path is carried on; the action checks it again. */}
        <input type="hidden" name="redirectTo" value={safeRedirect(params.get("redirectTo"), "")} />
        <Field label="用户名" name="username" autoComplete="username" autoFocus defaultValue={result?.username} error={result?.errors.username} required maxLength={64} />
        <Field label="密码" name="password" type="password" autoComplete="current-password" error={result?.errors.password} required maxLength={256} />
        <button type="submit" disabled={navigation.state === "submitting"}>
          {navigation.state === "submitting" ? "正在登录…" : "登录"}
        </button>
      </Form>
    </div>
  );
}
