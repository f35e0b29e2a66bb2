//! 行政区划 — the districts and counties of Handan, the regions an enterprise belongs to.

/// Division code and name of each of Handan's 18 county-level divisions.
pub const HANDAN_REGIONS: [(&str, &str); 18] = [
    ("130402", "邯山区"),
    ("130403", "丛台区"),
    ("130404", "复兴区"),
    ("130406", "峰峰矿区"),
    ("130407", "肥乡区"),
    ("130408", "永年区"),
    ("130423", "临漳县"),
    ("130424", "成安县"),
    ("130425", "大名县"),
    ("130426", "涉县"),
    ("130427", "磁县"),
    ("130430", "邱县"),
    ("130431", "鸡泽县"),
    ("130432", "广平县"),
    ("130433", "馆陶县"),
    ("130434", "魏县"),
    ("130435", "曲周县"),
    ("130481", "武安市"),
];

/// The name of a division code, if it is one of Handan's.
pub fn region_name(code: &str) -> Option<&'static str> {
    HANDAN_REGIONS.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}
