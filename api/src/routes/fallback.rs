//! What answers when no route matched: 405 with `Allow` when the path exists under another
//! method (known from the OpenAPI document, so it cannot drift from the router), else 404.

use actix_web::{HttpRequest, HttpResponse, web};
use utoipa::openapi::OpenApi;

use crate::error::ApiError;

/// The documented paths and their methods.
#[derive(Debug, Clone, Default)]
pub struct RouteTable {
    routes: Vec<(Vec<Option<String>>, Vec<String>)>,
}

impl RouteTable {
    /// Builds the table from the OpenAPI document.
    pub fn from_openapi(doc: &OpenApi) -> Self {
        let routes = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let segments = path
                    .trim_matches('/')
                    .split('/')
                    .map(|s| (!(s.starts_with('{') && s.ends_with('}'))).then(|| s.to_owned()))
                    .collect();
                let mut methods = Vec::new();
                for (name, op) in [
                    ("GET", &item.get),
                    ("POST", &item.post),
                    ("PUT", &item.put),
                    ("PATCH", &item.patch),
                    ("DELETE", &item.delete),
                ] {
                    if op.is_some() {
                        methods.push(name.to_owned());
                    }
                }
                (segments, methods)
            })
            .collect();
        RouteTable { routes }
    }

    /// The methods a concrete path answers, if it is a documented path. As in OpenAPI, a
    /// concrete path wins over a templated one (`/organisations/resolve` is not an
    /// `/organisations/{code}`), so `Allow` lists what the contract lists for that path.
    pub fn methods_for(&self, path: &str) -> Option<Vec<String>> {
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        let mut best: Option<(usize, Vec<String>)> = None;
        for (segments, methods) in &self.routes {
            let matches = segments.len() == parts.len()
                && segments
                    .iter()
                    .zip(&parts)
                    .all(|(s, p)| s.as_deref().is_none_or(|s| s == *p));
            if !matches {
                continue;
            }
            let literal = segments.iter().filter(|s| s.is_some()).count();
            match &mut best {
                Some((n, found)) if *n == literal => found.extend(methods.iter().cloned()),
                Some((n, _)) if *n > literal => {}
                _ => best = Some((literal, methods.clone())),
            }
        }
        best.map(|(_, mut found)| {
            found.sort();
            found.dedup();
            found
        })
    }
}

/// The default service.
pub async fn no_route(
    req: HttpRequest,
    table: web::Data<RouteTable>,
) -> Result<HttpResponse, ApiError> {
    Err(match table.methods_for(req.path()) {
        Some(allow) => ApiError::MethodNotAllowed { allow },
        None => ApiError::NotFound,
    })
}

#[cfg(test)]
mod tests {
    use super::RouteTable;

    #[test]
    fn a_concrete_path_wins_over_a_templated_one() {
        let table = RouteTable::from_openapi(&crate::openapi::document());
        assert_eq!(
            table.methods_for("/api/v1/organisations/resolve"),
            Some(vec!["POST".to_owned()])
        );
        assert_eq!(
            table.methods_for("/api/v1/organisations/QOP"),
            Some(vec!["GET".to_owned()])
        );
        assert_eq!(table.methods_for("/api/v1/nowhere/at/all"), None);
    }
}
