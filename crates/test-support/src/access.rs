//! The access matrix every context runs on both databases: it lists its routes with real ids
//! and gets four checks —
//! every API operation in its OpenAPI document is listed (nothing escapes the matrix);
//! anonymous callers get 401 from the API and the sign-in page from pages;
//! an operator of another agency gets 404 for a record that is not theirs, as if it did not
//! exist;
//! the read-only roles (leader, auditor) get 403 when they try to write.
#![expect(
    clippy::unwrap_used,
    reason = "test harness: a failed step must abort the test loudly"
)]

use kernel::ids::AgencyId;
use kernel::permissions::Role;
use reqwest::Method;
use serde_json::Value;

use crate::TestApp;

/// What a call sends.
#[derive(Debug, Clone)]
pub enum Body {
    /// Nothing.
    None,
    /// JSON (the API).
    Json(Value),
    /// A form (pages).
    Form(Vec<(String, String)>),
    /// A multipart form (pages): text fields, and one file in the named field.
    File(Vec<(&'static str, &'static str)>, &'static str, Vec<u8>),
    /// The request body as is (the API's imports).
    Raw(Vec<u8>),
}

/// One request of the matrix: a route with real ids.
#[derive(Debug, Clone)]
pub struct Call {
    /// Its method.
    pub method: Method,
    /// Its path and query.
    pub path: String,
    /// What it sends.
    pub body: Body,
}

impl Call {
    fn api(&self) -> bool {
        self.path.starts_with("/api/")
    }

    fn label(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// `GET path`.
pub fn get(path: impl Into<String>) -> Call {
    Call {
        method: Method::GET,
        path: path.into(),
        body: Body::None,
    }
}

/// `POST path` with a body.
pub fn post(path: impl Into<String>, body: Body) -> Call {
    Call {
        method: Method::POST,
        path: path.into(),
        body,
    }
}

/// `PUT path` with a body.
pub fn put(path: impl Into<String>, body: Body) -> Call {
    Call {
        method: Method::PUT,
        path: path.into(),
        body,
    }
}

/// A form body from pairs.
pub fn form(pairs: &[(&str, &str)]) -> Body {
    Body::Form(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    )
}

/// A context's routes, as its access test lists them.
pub struct Matrix {
    /// The context (its OpenAPI document says which API operations must be listed).
    pub module: kernel::Module,
    /// API operations open to anyone, as `METHOD /template`.
    pub public: &'static [&'static str],
    /// Every route that needs a signed-in caller.
    pub signed_in: Vec<Call>,
    /// An agency that owns none of the records `others` names.
    pub outsider: AgencyId,
    /// Routes naming records of other agencies than `outsider` (none public).
    pub others: Vec<Call>,
    /// Routes that change something.
    pub writes: Vec<Call>,
}

/// Whether a concrete path fits an OpenAPI template (`/api/v1/agencies/{id}`).
fn fits(template: &str, path: &str) -> bool {
    let path = path.split('?').next().unwrap_or(path);
    let (t, p): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, p)| (t.starts_with('{') && t.ends_with('}')) || t == p)
}

/// The operations of a module's OpenAPI document, as `(METHOD, template)`.
fn operations(module: &kernel::Module) -> Vec<(Method, String)> {
    let doc = (module.openapi)();
    let mut out = vec![];
    for (path, item) in &doc.paths.paths {
        for (method, op) in [
            (Method::GET, &item.get),
            (Method::POST, &item.post),
            (Method::PUT, &item.put),
            (Method::DELETE, &item.delete),
            (Method::PATCH, &item.patch),
        ] {
            if op.is_some() {
                out.push((method, path.clone()));
            }
        }
    }
    out
}

/// How a caller reaches the app.
enum Caller {
    Anonymous,
    Token(String),
    Session(reqwest::Client, String),
}

impl TestApp {
    async fn send(&self, caller: &Caller, call: &Call) -> (u16, Option<String>, String) {
        let client = match caller {
            Caller::Session(browser, _) => browser.clone(),
            _ => reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        };
        let mut req = client.request(call.method.clone(), self.url(&call.path));
        match caller {
            Caller::Anonymous => {}
            Caller::Token(t) => req = req.bearer_auth(t),
            Caller::Session(_, csrf) => req = req.header("x-csrf-token", csrf),
        }
        req = match &call.body {
            Body::None => req,
            Body::Json(v) => req.json(v),
            Body::Form(pairs) => req.form(pairs),
            Body::Raw(bytes) => req.body(bytes.clone()),
            Body::File(fields, field, bytes) => {
                let mut multipart = reqwest::multipart::Form::new();
                for (k, v) in fields {
                    multipart = multipart.text(*k, *v);
                }
                req.multipart(multipart.part(
                    *field,
                    reqwest::multipart::Part::bytes(bytes.clone()).file_name("data.csv"),
                ))
            }
        };
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let location = resp
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .map(str::to_owned);
        (status, location, resp.text().await.unwrap_or_default())
    }

    async fn caller(
        &self,
        login: &str,
        role: Role,
        agency: Option<AgencyId>,
        page: bool,
    ) -> Caller {
        if page {
            self.account(login, role, agency).await;
            let browser = self.browser();
            let csrf = self.sign_in(&browser, login).await;
            Caller::Session(browser, csrf)
        } else {
            Caller::Token(self.token(&format!("{login}.api"), role, agency).await)
        }
    }

    /// Runs the matrix; fails listing every call that answered otherwise.
    pub async fn check_access(&self, m: Matrix) {
        let mut wrong = vec![];
        // Every API operation of the module is in the matrix.
        for (method, template) in operations(&m.module) {
            let public = m.public.contains(&format!("{method} {template}").as_str());
            let listed = m
                .signed_in
                .iter()
                .any(|c| c.method == method && fits(&template, &c.path));
            if !public && !listed {
                wrong.push(format!("{method} {template}: not in the access matrix"));
            }
        }
        for call in &m.signed_in {
            let (status, location, body) = self.send(&Caller::Anonymous, call).await;
            let ok = if call.api() {
                let code = serde_json::from_str::<Value>(&body)
                    .ok()
                    .and_then(|v| v.pointer("/error/code")?.as_str().map(str::to_owned));
                status == 401 && code.as_deref() == Some("unauthorized")
            } else if call.method == Method::GET {
                status == 303 && location.is_some_and(|l| l.starts_with("/sign-in"))
            } else {
                // A page's form posted without a session fails its anti-forgery check first.
                status == 403
                    || (status == 303 && location.is_some_and(|l| l.starts_with("/sign-in")))
            };
            if !ok {
                wrong.push(format!("{} anonymously: {status}", call.label()));
            }
        }
        let outsider_api = self
            .caller(
                "matrix.outsider",
                Role::AgencyOperator,
                Some(m.outsider),
                false,
            )
            .await;
        let outsider_page = self
            .caller(
                "matrix.outsider",
                Role::AgencyOperator,
                Some(m.outsider),
                true,
            )
            .await;
        for call in &m.others {
            let caller = if call.api() {
                &outsider_api
            } else {
                &outsider_page
            };
            let (status, ..) = self.send(caller, call).await;
            if status != 404 {
                wrong.push(format!(
                    "{} by another agency's operator: {status}, not 404",
                    call.label()
                ));
            }
        }
        for (login, role) in [
            ("matrix.leader", Role::Leader),
            ("matrix.auditor", Role::Auditor),
        ] {
            let api = self.caller(login, role, None, false).await;
            let page = self.caller(login, role, None, true).await;
            for call in &m.writes {
                let caller = if call.api() { &api } else { &page };
                let (status, ..) = self.send(caller, call).await;
                if status != 403 {
                    wrong.push(format!(
                        "{} by the {}: {status}, not 403",
                        call.label(),
                        role.as_str()
                    ));
                }
            }
        }
        assert!(wrong.is_empty(), "access matrix:\n  {}", wrong.join("\n  "));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn templates_fit_concrete_paths() {
        assert!(super::fits(
            "/api/v1/agencies/{id}",
            "/api/v1/agencies/0192?x=1"
        ));
        assert!(!super::fits("/api/v1/agencies/{id}", "/api/v1/agencies"));
        assert!(!super::fits(
            "/api/v1/agencies/import",
            "/api/v1/agencies/0192"
        ));
    }
}
