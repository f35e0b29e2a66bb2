//! A router that remembers what it registered. axum cannot list a router's routes, and the
//! access test (`tests/api/access.rs`) must see every endpoint to check each against its
//! rule (`domain::endpoints`): registering through [`Routes`] is what lists a route, so
//! the list cannot drift from the router.

use axum::handler::Handler;
use axum::http::Method;
use axum::routing::MethodRouter;
use axum::Router;

/// An axum router and the (method, path) of every route added to it.
pub struct Routes<S = crate::ssr::state::AppState> {
    router: Router<S>,
    listed: Vec<(Method, &'static str)>,
}

impl<S: Clone + Send + Sync + 'static> Default for Routes<S> {
    fn default() -> Self {
        Self { router: Router::new(), listed: Vec::new() }
    }
}

impl<S: Clone + Send + Sync + 'static> Routes<S> {
    /// No routes yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// `GET path` (and `HEAD`) answered by `handler`.
    pub fn get<H: Handler<T, S>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.method(Method::GET, path, axum::routing::get(handler))
    }

    /// `POST path` answered by `handler`.
    pub fn post<H: Handler<T, S>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.method(Method::POST, path, axum::routing::post(handler))
    }

    /// `method path` answered by `route` (which must answer that method only).
    pub fn method(mut self, method: Method, path: &'static str, route: MethodRouter<S>) -> Self {
        self.router = self.router.route(path, route);
        self.listed.push((method, path));
        self
    }

    /// Both routers' routes.
    pub fn merge(mut self, other: Routes<S>) -> Self {
        self.router = self.router.merge(other.router);
        self.listed.extend(other.listed);
        self
    }

    /// What was registered: (method, axum path such as `/public/tasks/{id}/draw`).
    pub fn listed(&self) -> &[(Method, &'static str)] {
        &self.listed
    }

    /// The router itself.
    pub fn into_router(self) -> Router<S> {
        self.router
    }
}
