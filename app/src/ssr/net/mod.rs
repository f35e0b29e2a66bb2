//! The network around the server: the site's configured address and trusted proxies
//! ([`settings`]), the headers every response carries ([`headers`]), and a router that
//! lists its routes ([`routes`]).

pub mod headers;
pub mod routes;
pub mod settings;
