//! leder's own sign-in page: plain server-rendered HTML that works without script, with a
//! label for every field, an error summary that names what to correct, and no third-party
//! resources. Every value written into the page is escaped.

use crate::app::authorize::AuthorizationRequest;

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

const STYLE: &str = "body{font-family:Arial,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;\
line-height:1.5;color:#212b32}label{display:block;font-weight:bold;margin-top:1rem}\
input[type=text],input[type=password]{width:100%;padding:.5rem;font-size:1.1rem;border:2px solid #4c6272;\
box-sizing:border-box}input:focus,button:focus{outline:3px solid #ffeb3b}\
button{margin-top:1.5rem;padding:.6rem 1.2rem;font-size:1.1rem;background:#007f3b;color:#fff;border:0}\
.error-summary{border:4px solid #d5281b;padding:1rem;margin:1rem 0}.error-summary h2{margin-top:0}";

fn document(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} – leder</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main id=\"main\">\n\
         {body}\n</main>\n</body>\n</html>\n",
        title = escape(title)
    )
}

/// The sign-in form for `request`, with the CSRF token, the username typed so far and, after a
/// failed attempt, what went wrong.
pub fn sign_in(
    request: &AuthorizationRequest,
    csrf: &str,
    username: &str,
    error: Option<&str>,
    provider: Option<&str>,
) -> String {
    let summary = error_summary(error, "username");
    let federated = provider.map_or_else(String::new, |name| {
        format!(
            "<h2>Or sign in with {name}</h2>\n\
             <form method=\"post\" action=\"/api/v1/auth/authorize\">\n{fields}\
             <button type=\"submit\" name=\"federate\" value=\"1\" id=\"federate\">Sign in with {name}</button>\n</form>\n",
            name = escape(name),
            fields = request_fields(request, csrf),
        )
    });
    let body = format!(
        "<h1>Sign in to leder</h1>\n{summary}\
         <p>Sign in to continue to <strong>{client}</strong>.</p>\n\
         <form method=\"post\" action=\"/api/v1/auth/authorize\" novalidate>\n\
         {fields}\
         <label for=\"username\">Username</label>\n\
         <input type=\"text\" id=\"username\" name=\"username\" value=\"{username}\" \
         autocomplete=\"username\" spellcheck=\"false\" autocapitalize=\"none\" required>\n\
         <label for=\"password\">Password</label>\n\
         <input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" required>\n\
         <button type=\"submit\">Sign in</button>\n</form>\n{federated}",
        client = escape(&request.client_id),
        fields = request_fields(request, csrf),
        username = escape(username),
    );
    document("Sign in", &body)
}

fn hidden(name: &str, value: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"{name}\" value=\"{}\">\n",
        escape(value)
    )
}

/// The authorization request and the CSRF token, carried from step to step.
fn request_fields(request: &AuthorizationRequest, csrf: &str) -> String {
    [
        hidden("client_id", &request.client_id),
        hidden("redirect_uri", &request.redirect_uri),
        hidden("state", &request.state),
        hidden("code_challenge", &request.code_challenge),
        hidden("code_challenge_method", "S256"),
        hidden("response_type", "code"),
        hidden("csrf", csrf),
    ]
    .concat()
}

/// The error summary naming what to correct, linked to the field (`anchor`).
fn error_summary(error: Option<&str>, anchor: &str) -> String {
    error.map_or_else(String::new, |e| {
        format!(
            "<div class=\"error-summary\" role=\"alert\" aria-labelledby=\"error-title\" tabindex=\"-1\">\n\
             <h2 id=\"error-title\">There is a problem</h2>\n<p><a href=\"#{anchor}\">{}</a></p>\n</div>\n",
            escape(e)
        )
    })
}

fn code_field(label: &str, hint: &str) -> String {
    format!(
        "<label for=\"code\">{label}</label>\n<p id=\"code-hint\">{hint}</p>\n\
         <input type=\"text\" id=\"code\" name=\"code\" inputmode=\"numeric\" \
         autocomplete=\"one-time-code\" spellcheck=\"false\" aria-describedby=\"code-hint\" required>\n"
    )
}

/// The second step: a code from the person's authenticator app, or a recovery code.
pub fn second_factor(
    request: &AuthorizationRequest,
    csrf: &str,
    ticket: &str,
    error: Option<&str>,
) -> String {
    let body = format!(
        "<h1>Enter your security code</h1>\n{summary}\
         <form method=\"post\" action=\"/api/v1/auth/authorize\" novalidate>\n{fields}{ticket}{code}\
         <button type=\"submit\">Continue</button>\n</form>\n",
        summary = error_summary(error, "code"),
        fields = request_fields(request, csrf),
        ticket = hidden("ticket", ticket),
        code = code_field(
            "Security code",
            "The 6-digit code your authenticator app shows for leder, or one of your recovery codes."
        ),
    );
    document("Enter your security code", &body)
}

/// Setting up the second factor: the secret to add to an authenticator app, and its first code.
pub fn enrol(
    request: &AuthorizationRequest,
    csrf: &str,
    ticket: &str,
    secret: &str,
    uri: &str,
    error: Option<&str>,
) -> String {
    let body = format!(
        "<h1>Set up your security code</h1>\n{summary}\
         <p>Your account needs a second step at sign-in. Add leder to an authenticator app \
         (for example on your work phone) with this key:</p>\n\
         <p><code id=\"totp-secret\">{secret}</code></p>\n\
         <p>Or open this link on the device with the app: <a href=\"{uri}\">{uri_text}</a></p>\n\
         <form method=\"post\" action=\"/api/v1/auth/authorize\" novalidate>\n{fields}{ticket}{code}\
         <button type=\"submit\">Confirm</button>\n</form>\n",
        summary = error_summary(error, "code"),
        secret = escape(secret),
        uri = escape(uri),
        uri_text = escape(uri),
        fields = request_fields(request, csrf),
        ticket = hidden("ticket", ticket),
        code = code_field(
            "Security code",
            "The 6-digit code the app now shows for leder."
        ),
    );
    document("Set up your security code", &body)
}

/// The recovery codes, shown once, and the way on to the service.
pub fn recovery_codes(
    request: &AuthorizationRequest,
    csrf: &str,
    ticket: &str,
    codes: &[String],
) -> String {
    let items: String = codes
        .iter()
        .map(|c| {
            format!(
                "<li><code class=\"recovery-code\">{}</code></li>\n",
                escape(c)
            )
        })
        .collect();
    let body = format!(
        "<h1>Save your recovery codes</h1>\n\
         <p>If you lose your authenticator app, each of these codes signs you in once instead of a \
         security code. Keep them somewhere safe: they are shown only now.</p>\n<ul>\n{items}</ul>\n\
         <form method=\"post\" action=\"/api/v1/auth/authorize\">\n{fields}{ticket}\
         <button type=\"submit\">I have saved them: continue</button>\n</form>\n",
        fields = request_fields(request, csrf),
        ticket = hidden("ticket", ticket),
    );
    document("Save your recovery codes", &body)
}

/// A page that tells the person why the sign-in cannot go on.
pub fn problem(title: &str, detail: &str) -> String {
    let body = format!(
        "<h1>{}</h1>\n<p>{}</p>\n<p>Go back to the service you came from and try again. If this \
         keeps happening, contact its support team.</p>\n",
        escape(title),
        escape(detail)
    );
    document(title, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_written_into_the_page_are_escaped() {
        let request = AuthorizationRequest {
            client_id: "web".into(),
            redirect_uri: "https://x/cb".into(),
            state: "\"><script>alert(1)</script>".into(),
            code_challenge: "c".repeat(43),
        };
        let page = sign_in(&request, "t", "<b>", Some("wrong & <i>"), Some("<NHS>"));
        assert!(page.contains("Sign in with &lt;NHS&gt;"));
        assert!(!page.contains("<script>alert"));
        assert!(page.contains("&quot;&gt;&lt;script&gt;"));
        assert!(page.contains("value=\"&lt;b&gt;\""));
        assert!(page.contains("wrong &amp; &lt;i&gt;"));
    }
}
