//! 证据材料 — the photos and documents attached to a result: what a file is, by its
//! content and never its name; how large it may be; the location a phone writes into a
//! photo, taken out before it is kept.

/// The largest file kept, in bytes (a phone's photo is 2 to 5 MB).
pub const MAX_FILE_BYTES: usize = 8 << 20;

/// The most files one submission carries.
pub const MAX_FILES: usize = 8;

/// The largest request body of a result form with its files: every file at its limit and
/// the form's fields.
pub const MAX_FORM_BYTES: usize = MAX_FILES * MAX_FILE_BYTES + (1 << 20);

/// What a file was asked for as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EvidenceKind {
    /// 现场照片: an image.
    Photo,
    /// 书证材料: a PDF or an image.
    Document,
}

impl EvidenceKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Photo => "photo",
            Self::Document => "document",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Photo => "现场照片",
            Self::Document => "书证材料",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Photo, Self::Document].into_iter().find(|k| k.code() == s)
    }
}

/// The content type of a file by its first bytes (JPEG, PNG, WebP, PDF), or `None`.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

/// The file checked for what it was asked for as: its content type, or the refusal in words.
pub fn check(kind: EvidenceKind, name: &str, bytes: &[u8]) -> Result<&'static str, String> {
    if bytes.is_empty() {
        return Err(format!("文件“{name}”是空的"));
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(format!(
            "文件“{name}”过大（{:.1} MB）：每个文件不超过 {} MB，请压缩或分拍后再上传",
            bytes.len() as f64 / (1 << 20) as f64,
            MAX_FILE_BYTES >> 20
        ));
    }
    match (kind, sniff(bytes)) {
        (EvidenceKind::Photo, Some(mime)) if mime.starts_with("image/") => Ok(mime),
        (EvidenceKind::Document, Some(mime)) => Ok(mime),
        (EvidenceKind::Photo, _) => Err(format!("文件“{name}”不是照片（只接收 JPEG、PNG、WebP 图片）")),
        (EvidenceKind::Document, None) => {
            Err(format!("文件“{name}”不是可接收的材料（只接收 PDF 或 JPEG、PNG、WebP 图片）"))
        }
    }
}

/// A JPEG without its APP1 segments (Exif and XMP, where a phone writes the place and time
/// a photo was taken); everything else byte for byte. `None` when the file is not a
/// well-formed JPEG up to its image data.
pub fn strip_jpeg_metadata(jpeg: &[u8]) -> Option<Vec<u8>> {
    if !jpeg.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut out = Vec::with_capacity(jpeg.len());
    out.extend_from_slice(&jpeg[..2]);
    let mut i = 2;
    loop {
        // Fill bytes (0xFF repeated) may come before a marker.
        while jpeg.get(i) == Some(&0xFF) && jpeg.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        if jpeg.get(i) != Some(&0xFF) {
            return None;
        }
        let marker = *jpeg.get(i + 1)?;
        match marker {
            // Start of scan or end of image: the rest is image data, kept as it is.
            0xDA | 0xD9 => {
                out.extend_from_slice(&jpeg[i..]);
                return Some(out);
            }
            // Markers without a length.
            0x01 | 0xD0..=0xD7 => {
                out.extend_from_slice(&jpeg[i..i + 2]);
                i += 2;
            }
            _ => {
                let len = u16::from_be_bytes([*jpeg.get(i + 2)?, *jpeg.get(i + 3)?]) as usize;
                if len < 2 || i + 2 + len > jpeg.len() {
                    return None;
                }
                if marker != 0xE1 {
                    out.extend_from_slice(&jpeg[i..i + 2 + len]);
                }
                i += 2 + len;
            }
        }
    }
}

/// The bytes to keep of an accepted file: a JPEG without its location, others as sent.
pub fn kept_bytes(mime: &str, bytes: Vec<u8>) -> Result<Vec<u8>, String> {
    if mime == "image/jpeg" {
        strip_jpeg_metadata(&bytes).ok_or_else(|| "照片文件已损坏，无法读取".to_string())
    } else {
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny JPEG: SOI, APP0 (JFIF), APP1 (Exif with a "GPS" marker), a quantisation
    /// table, SOS, data, EOI.
    pub fn jpeg_with_exif() -> Vec<u8> {
        let mut j = vec![0xFF, 0xD8];
        j.extend([0xFF, 0xE0, 0x00, 0x07, b'J', b'F', b'I', b'F', 0x00]);
        j.extend([0xFF, 0xE1, 0x00, 0x0A, b'E', b'x', b'i', b'f', 0, 0, b'G', b'P']);
        j.extend([0xFF, 0xDB, 0x00, 0x03, 0x01]);
        j.extend([0xFF, 0xDA, 0x00, 0x02, 0x12, 0x34, 0xFF, 0xD9]);
        j
    }

    #[test]
    fn a_file_is_known_by_its_content_not_its_name() {
        assert_eq!(check(EvidenceKind::Photo, "a.jpg", &jpeg_with_exif()), Ok("image/jpeg"));
        assert_eq!(check(EvidenceKind::Document, "a.pdf", b"%PDF-1.4\n"), Ok("application/pdf"));
        assert!(check(EvidenceKind::Photo, "a.pdf", b"%PDF-1.4\n").is_err(), "a PDF is not a photo");
        let elf = b"\x7fELF\x02\x01\x01\0\0\0";
        assert!(check(EvidenceKind::Photo, "photo.jpg", elf).unwrap_err().contains("不是照片"));
        assert!(check(EvidenceKind::Document, "x.pdf", b"MZ\x90\0").is_err());
        let big = vec![0xFF; MAX_FILE_BYTES + 1];
        assert!(check(EvidenceKind::Photo, "big.jpg", &big).unwrap_err().contains("不超过 8 MB"));
    }

    #[test]
    fn a_photo_loses_its_exif_and_keeps_its_image() {
        let j = jpeg_with_exif();
        let kept = strip_jpeg_metadata(&j).unwrap();
        assert!(!kept.windows(4).any(|w| w == b"Exif"), "{kept:?}");
        assert!(kept.windows(4).any(|w| w == b"JFIF"));
        assert!(kept.ends_with(&[0xFF, 0xDA, 0x00, 0x02, 0x12, 0x34, 0xFF, 0xD9]));
        assert_eq!(kept.len(), j.len() - 12);
        assert_eq!(strip_jpeg_metadata(&kept).unwrap(), kept, "nothing more to take out");
        assert!(strip_jpeg_metadata(&[0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x40]).is_none(), "cut short");
    }
}
