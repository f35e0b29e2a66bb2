//! The network around the server: the site's configured address and trusted proxies
//! ([`settings`]), and the headers every response carries ([`headers`]).

pub mod headers;
pub mod settings;
