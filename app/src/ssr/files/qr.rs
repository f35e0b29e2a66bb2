//! QR codes as inline SVG (the ceremony's links to the live page and the verification).

/// An SVG QR code of `text`, drawn on the server.
pub fn svg(text: &str) -> String {
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => {
            code.render::<qrcode::render::svg::Color>().min_dimensions(220, 220).quiet_zone(true).build()
        }
        Err(_) => String::new(),
    }
}
