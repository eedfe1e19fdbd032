//! A real OpenID Connect provider for the federation tests: `tests/oidc/provider.mjs`, the
//! `oidc-provider` package run by the machine's Node.js, one process per test, ended with it.
//! Its packages come from `npm ci` in `tests/oidc` (`make test` and `.ci/run` run it); without
//! them the tests fail, saying so, rather than pass unseen.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use leder_api::config::federation::Federation;

use crate::helpers::{Backend, Config, TestApp, form_encode};

/// leder's client id and secret at the test provider (as `provider.mjs` registers them).
pub const CLIENT_ID: &str = "leder";
pub const CLIENT_SECRET: &str = "leder-test-client-secret";
/// What leder's page calls the provider.
pub const NAME: &str = "Test Provider";

/// The running provider.
pub struct Provider {
    child: Child,
    /// Kept open while the provider runs, so its writes never fail.
    _stdout: BufReader<std::process::ChildStdout>,
    /// Its issuer, `http://127.0.0.1:<port>`.
    pub issuer: String,
}

impl Provider {
    /// Starts the provider on a free port.
    pub fn start() -> Provider {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("oidc");
        assert!(
            dir.join("node_modules/oidc-provider").exists(),
            "the test OpenID provider's packages are missing: run `npm ci --prefix tests/oidc` \
             (make test does)"
        );
        let mut child = Command::new("node")
            .arg(dir.join("provider.mjs"))
            .env("CLIENT_ID", CLIENT_ID)
            .env("CLIENT_SECRET", CLIENT_SECRET)
            // Its standard input stays open while the test runs: the provider ends when it closes.
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node runs tests/oidc/provider.mjs (is Node.js installed?)");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        let mut stdout = BufReader::new(stdout);
        stdout
            .read_line(&mut line)
            .expect("the provider's first line");
        let announced: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("provider said {line:?}: {e}"));
        let issuer = announced["issuer"].as_str().expect("issuer").to_owned();
        Provider {
            child,
            _stdout: stdout,
            issuer,
        }
    }

    /// leder's federation settings for this provider.
    pub fn federation(&self) -> Federation {
        let get = |k: &str| match k {
            "LEDER_OIDC_ISSUER" => Some(self.issuer.clone()),
            "LEDER_OIDC_CLIENT_ID" => Some(CLIENT_ID.to_owned()),
            "LEDER_OIDC_CLIENT_SECRET" => Some(CLIENT_SECRET.to_owned()),
            "LEDER_OIDC_NAME" => Some(NAME.to_owned()),
            "LEDER_OIDC_SCOPES" => Some("openid email".to_owned()),
            // As CIS2 is asked: the provider then reports the level reached (`acr`).
            "LEDER_OIDC_ACR_VALUES" => Some("AAL1_USERPASS AAL2_OR_ABOVE AAL3_ANY".to_owned()),
            _ => None,
        };
        leder_api::config::federation::parse(&get)
            .expect("settings")
            .expect("a federation")
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A test server on `backend` that federates with a new provider (and `tweak`); `None` when
/// the backend is PostgreSQL and no server is configured (outside CI).
pub async fn federated_app(
    backend: Backend,
    tweak: impl FnOnce(&mut Config),
) -> Option<(TestApp, Provider)> {
    let provider = Provider::start();
    let federation = provider.federation();
    let app = TestApp::spawn(backend, |c| {
        c.federation = Some(federation);
        tweak(c);
    })
    .await?;
    Some((app, provider))
}

/// A browser: it keeps cookies and does not follow redirects by itself.
pub fn browser() -> reqwest::Client {
    browser_with_jar().0
}

/// A browser and its cookie jar (to read what it holds).
pub fn browser_with_jar() -> (reqwest::Client, std::sync::Arc<reqwest::cookie::Jar>) {
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    (client, jar)
}

/// `location` made absolute against `base` (`http://host:port`).
pub fn absolute(base: &str, location: &str) -> String {
    if location.starts_with("http") {
        location.to_owned()
    } else {
        format!("{base}{location}")
    }
}

/// The value of hidden field `name` in `page`.
pub fn field(page: &str, name: &str) -> String {
    page.split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no field {name} in {page}"))
        .replace("&amp;", "&")
}

/// In `browser`, from leder's sign-in page for `params` through the provider, signing in there
/// as `login` with assurance `acr`, up to leder's callback URL (not yet visited).
pub async fn to_callback(
    app: &TestApp,
    provider: &Provider,
    browser: &reqwest::Client,
    params: &[(&'static str, String)],
    login: &str,
    acr: &str,
) -> String {
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{k}={}", form_encode(v)))
        .collect();
    let page = browser
        .get(app.url(&format!("/api/v1/auth/authorize?{}", query.join("&"))))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains(&format!("Sign in with {NAME}")), "{page}");
    let mut form: Vec<(&str, String)> = params.iter().map(|(k, v)| (*k, v.clone())).collect();
    form.push(("csrf", field(&page, "csrf")));
    form.push(("federate", "1".to_owned()));
    let res = browser
        .post(app.url("/api/v1/auth/authorize"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let mut url = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(url.starts_with(&provider.issuer), "{url}");
    // The provider's pages, as a browser follows them, until it sends the person back.
    for _ in 0..10 {
        if url.starts_with(&app.address) {
            return url;
        }
        let res = browser.get(&url).send().await.unwrap();
        let res = if res.status() == 200 {
            let page = res.text().await.unwrap();
            let action = page
                .split("action=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .unwrap_or_else(|| panic!("a provider form in {page}"))
                .to_owned();
            browser
                .post(absolute(&provider.issuer, &action))
                .form(&[("login", login), ("acr", acr)])
                .send()
                .await
                .unwrap()
        } else {
            res
        };
        assert!(res.status().is_redirection(), "{}", res.status());
        url = absolute(
            &provider.issuer,
            res.headers()["location"].to_str().unwrap(),
        );
    }
    panic!("the provider never sent the browser back to leder");
}
