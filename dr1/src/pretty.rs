//! A manifest as pretty JSON, byte for byte as `serde_json::to_string_pretty`
//! writes it (two-space indents, `": "`, the same string escapes), but the
//! long arrays formatted on every core and streamed out, without serde's
//! per-value dispatch.
//!
//! A manifest of a million enterprises is about 77 MB, nine tenths of it the
//! pool; serde_json takes longer to write it than the draw takes to compute
//! it. Tests compare every byte with serde_json's output.

use crate::par::{par_map, threads};
use crate::types::{InspectorEntry, Manifest, PoolEntry, RecusalRecord, Selected, Stage};
use std::io::{self, Write};

impl Manifest {
    /// Writes the manifest as `serde_json::to_string_pretty` would (no final newline).
    pub fn write_json_pretty(&self, out: &mut impl Write) -> io::Result<()> {
        let input = &self.input;
        let mut w = Pretty::default();
        w.open(b'{');
        w.key("protocol");
        w.str(&self.protocol);
        w.key("task_id");
        w.str(&input.task_id);
        w.key("pool");
        w.long_array(out, &input.pool, pool_entry)?;
        w.key("ratios_bp");
        w.open(b'{');
        for (stratum, bp) in &input.ratios_bp {
            w.key(stratum);
            w.number(*bp);
        }
        w.close(b'}');
        w.key("team_size");
        w.number(input.team_size);
        w.key("departments");
        w.array(&input.departments, |w, d| w.str(d));
        w.key("inspectors");
        w.array(&input.inspectors, inspector);
        w.key("conflicts");
        w.array(&input.conflicts, |w, c| {
            w.open(b'{');
            w.key("entity");
            w.str(&c.entity);
            w.key("inspector");
            w.str(&c.inspector);
            w.close(b'}');
        });
        w.key("max_per_inspector");
        w.number(input.max_per_inspector);
        w.key("commitment");
        w.str(&input.commitment);
        w.key("secret");
        w.str(&input.secret);
        w.key("public_entropy");
        w.str(&input.public_entropy);
        if !input.post_recusals.is_empty() {
            w.key("post_recusals");
            w.array(&input.post_recusals, |w, p| {
                w.open(b'{');
                w.key("entity");
                w.str(&p.entity);
                w.key("inspector");
                w.str(&p.inspector);
                w.key("reason");
                w.str(&p.reason);
                w.close(b'}');
            });
        }
        w.key("pool_digest");
        w.str(&self.pool_digest);
        w.key("seed");
        w.str(&self.seed);
        w.key("selected");
        w.long_array(out, &self.selected, selected)?;
        w.key("recusals");
        w.array(&self.recusals, recusal);
        w.close(b'}');
        out.write_all(&w.out)
    }

    /// The manifest as `serde_json::to_string_pretty` would write it.
    pub fn to_json_pretty(&self) -> String {
        let mut bytes = Vec::new();
        match self.write_json_pretty(&mut bytes) {
            // Only whole UTF-8 strings and ASCII were written.
            Ok(()) => String::from_utf8(bytes).unwrap_or_else(|e| unreachable!("pretty JSON is UTF-8: {e}")),
            Err(e) => unreachable!("writing to a vector cannot fail: {e}"),
        }
    }
}

fn pool_entry(w: &mut Pretty, p: &PoolEntry) {
    // A million of these: when nothing needs escaping (always, for valid
    // identifiers), the entry is five copies, its template laid out as the
    // general path below writes it at this depth.
    let (code, stratum) = (p.code.as_bytes(), p.stratum.as_bytes());
    if w.depth == 2 && plain(code) && plain(stratum) {
        let out = &mut w.out;
        out.reserve(40 + code.len() + stratum.len());
        out.extend_from_slice(b"{\n      \"code\": \"");
        out.extend_from_slice(code);
        out.extend_from_slice(b"\",\n      \"stratum\": \"");
        out.extend_from_slice(stratum);
        out.extend_from_slice(b"\"\n    }");
        w.has_value = true;
        return;
    }
    w.open(b'{');
    w.key("code");
    w.str(&p.code);
    w.key("stratum");
    w.str(&p.stratum);
    w.close(b'}');
}

fn inspector(w: &mut Pretty, i: &InspectorEntry) {
    w.open(b'{');
    w.key("id");
    w.str(&i.id);
    w.key("department");
    w.str(&i.department);
    w.close(b'}');
}

fn selected(w: &mut Pretty, s: &Selected) {
    w.open(b'{');
    w.key("code");
    w.str(&s.code);
    w.key("stratum");
    w.str(&s.stratum);
    w.key("key");
    w.str(&s.key);
    w.key("inspectors");
    w.array(&s.inspectors, |w, id| w.str(id));
    w.key("cap_lifted");
    w.raw(if s.cap_lifted { b"true" } else { b"false" });
    if !s.recused.is_empty() {
        w.key("recused");
        w.array(&s.recused, |w, id| w.str(id));
    }
    w.close(b'}');
}

fn recusal(w: &mut Pretty, r: &RecusalRecord) {
    w.open(b'{');
    w.key("entity");
    w.str(&r.entity);
    w.key("inspector");
    w.str(&r.inspector);
    w.key("stage");
    w.str(match r.stage {
        Stage::Pre => "pre",
        Stage::Post => "post",
    });
    w.close(b'}');
}

/// Whether a string is written as is: no control character, quote or backslash.
fn plain(bytes: &[u8]) -> bool {
    // A fold without early exit vectorises; strings here are short.
    bytes.iter().fold(true, |ok, &c| ok & (c >= 0x20) & (c != b'"') & (c != b'\\'))
}

/// serde_json's `PrettyFormatter`: the bytes written so far, the depth, and
/// whether the innermost object or array has a value yet.
#[derive(Default)]
struct Pretty {
    out: Vec<u8>,
    depth: usize,
    has_value: bool,
}

impl Pretty {
    fn newline(&mut self) {
        // A line feed and the indent in one copy (manifests nest five deep).
        const LINE: &[u8] = b"\n                                ";
        match LINE.get(..1 + 2 * self.depth) {
            Some(line) => self.out.extend_from_slice(line),
            None => {
                self.out.push(b'\n');
                self.out.extend(std::iter::repeat_n(b' ', 2 * self.depth));
            }
        }
    }

    fn open(&mut self, bracket: u8) {
        self.out.push(bracket);
        self.depth += 1;
        self.has_value = false;
    }

    /// Closes an object or array: `{}` and `[]` when empty, else on a line of its own.
    fn close(&mut self, bracket: u8) {
        self.depth -= 1;
        if self.has_value {
            self.newline();
        }
        self.out.push(bracket);
        self.has_value = true;
    }

    /// Starts the next element of an array, or the next key of an object.
    fn next(&mut self) {
        if self.has_value {
            self.out.push(b',');
        }
        self.newline();
    }

    fn key(&mut self, key: &str) {
        self.next();
        self.str(key);
        self.out.extend_from_slice(b": ");
        self.has_value = false;
    }

    fn number(&mut self, n: u64) {
        // Plain decimal digits, as itoa (serde_json's) writes them.
        let _ = write!(self.out, "{n}");
        self.has_value = true;
    }

    fn raw(&mut self, text: &[u8]) {
        self.out.extend_from_slice(text);
        self.has_value = true;
    }

    /// A JSON string with serde_json's escapes: `\"`, `\\`, `\b`, `\f`, `\n`,
    /// `\r`, `\t` and `\u00XX` for the other control characters; all else as is.
    fn str(&mut self, s: &str) {
        let bytes = s.as_bytes();
        self.out.reserve(bytes.len() + 2);
        self.out.push(b'"');
        if plain(bytes) {
            self.out.extend_from_slice(bytes);
        } else {
            for &c in bytes {
                match c {
                    b'"' => self.out.extend_from_slice(b"\\\""),
                    b'\\' => self.out.extend_from_slice(b"\\\\"),
                    0x08 => self.out.extend_from_slice(b"\\b"),
                    0x0c => self.out.extend_from_slice(b"\\f"),
                    b'\n' => self.out.extend_from_slice(b"\\n"),
                    b'\r' => self.out.extend_from_slice(b"\\r"),
                    b'\t' => self.out.extend_from_slice(b"\\t"),
                    0..=0x1f => {
                        const HEX: &[u8; 16] = b"0123456789abcdef";
                        let escape =
                            [b'\\', b'u', b'0', b'0', HEX[usize::from(c >> 4)], HEX[usize::from(c & 15)]];
                        self.out.extend_from_slice(&escape);
                    }
                    _ => self.out.push(c),
                }
            }
        }
        self.out.push(b'"');
        self.has_value = true;
    }

    fn array<T>(&mut self, items: &[T], mut item: impl FnMut(&mut Self, &T)) {
        self.open(b'[');
        for x in items {
            self.next();
            item(self, x);
        }
        self.close(b']');
    }

    /// [`Pretty::array`] for long arrays: written out so far, then in rounds
    /// of one block of elements per thread, each formatted in a buffer of its
    /// own (kept from round to round: the memory is not touched anew) and
    /// written in order.
    fn long_array<T: Sync>(
        &mut self,
        out: &mut impl Write,
        items: &[T],
        item: fn(&mut Self, &T),
    ) -> io::Result<()> {
        // About a megabyte of pool text per block.
        const BLOCK: usize = 1 << 14;
        self.open(b'[');
        out.write_all(&self.out)?;
        self.out.clear();
        let depth = self.depth;
        let mut buffers: Vec<Vec<u8>> = vec![Vec::new(); threads()];
        for round in items.chunks(BLOCK * buffers.len()) {
            let start = round.as_ptr() == items.as_ptr();
            let jobs: Vec<_> = round.chunks(BLOCK).zip(buffers.drain(..)).enumerate().collect();
            buffers = par_map(jobs, |(k, (block, mut buf))| {
                buf.clear();
                let mut w = Pretty { out: buf, depth, has_value: !(start && k == 0) };
                for x in block {
                    w.next();
                    item(&mut w, x);
                }
                w.out
            });
            for buf in &buffers {
                out.write_all(buf)?;
            }
            buffers.resize(threads(), Vec::new());
        }
        self.has_value = !items.is_empty();
        self.close(b']');
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::types::{DrawInput, Manifest, PoolEntry, PostRecusal, Selected};

    fn check(m: &Manifest) {
        let ours = m.to_json_pretty();
        assert_eq!(ours, serde_json::to_string_pretty(m).unwrap());
        let mut written = Vec::new();
        m.write_json_pretty(&mut written).unwrap();
        assert_eq!(written, ours.as_bytes());
    }

    #[test]
    fn vectors_are_written_as_serde_json_writes_them() {
        for text in [
            include_str!("../../spec/vectors/basic.json"),
            include_str!("../../spec/vectors/joint.json"),
            include_str!("../../spec/vectors/post-recusal.json"),
            include_str!("../../spec/vectors/edge.json"),
        ] {
            check(&serde_json::from_str(text).unwrap());
        }
    }

    #[test]
    fn odd_strings_empty_lists_and_long_arrays_are_written_as_serde_json_writes_them() {
        let text = include_str!("../../spec/vectors/edge.json");
        let mut m: Manifest = serde_json::from_str(text).unwrap();
        // Not valid DR1 identifiers, but a manifest type can hold them: every escape.
        let odd: String = (0u8..0x80).map(char::from).chain("é中\u{2028}/".chars()).collect();
        m.input.task_id = odd.clone();
        m.input.public_entropy = format!("\"{odd}\\");
        m.input.post_recusals =
            vec![PostRecusal { entity: odd.clone(), inspector: "x".into(), reason: String::new() }];
        m.selected.push(Selected {
            code: odd.clone(),
            stratum: "\t".into(),
            key: String::new(),
            inspectors: Vec::new(),
            cap_lifted: true,
            recused: vec![odd],
        });
        check(&m);
        let input = DrawInput { pool: Vec::new(), ..m.input.clone() };
        check(&Manifest { input, selected: Vec::new(), recusals: Vec::new(), ..m.clone() });
        // More entries than one chunk of the parallel writer.
        let pool = (0..40_000).map(|i| PoolEntry { code: format!("c{i}"), stratum: "S".into() }).collect();
        let input = DrawInput { pool, ..m.input.clone() };
        let selected = vec![m.selected[0].clone(); 20_000];
        check(&Manifest { input, selected, ..m });
    }
}
