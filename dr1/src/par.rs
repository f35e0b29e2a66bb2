//! Parallelism: scoped threads on native targets; in wasm (no threads in
//! the browser) the same chunks run in turn, so results are the same.
//!
//! A leaf, generic over the work.

use std::ops::Range;

/// Applies `f` to every item, one scoped thread per item, results in item order.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn par_map<T: Send, U: Send>(items: Vec<T>, f: impl Fn(T) -> U + Sync) -> Vec<U> {
    use std::sync::Mutex;
    if items.len() <= 1 {
        return items.into_iter().map(f).collect();
    }
    // Each item waits in a cell, so this thread can still take it if its worker never starts.
    let cells: Vec<Mutex<Option<T>>> = items.into_iter().map(|t| Mutex::new(Some(t))).collect();
    let take = |c: &Mutex<Option<T>>| c.lock().ok().and_then(|mut slot| slot.take());
    let f = &f;
    std::thread::scope(|s| {
        let workers: Vec<_> = cells[1..]
            .iter()
            .map(|c| std::thread::Builder::new().spawn_scoped(s, move || take(c).map(f)).ok())
            .collect();
        let mut out = vec![take(&cells[0]).map(f)];
        for w in workers {
            out.push(w.and_then(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))));
        }
        out.into_iter()
            .zip(&cells)
            .map(|(done, c)| match done.or_else(|| take(c).map(f)) {
                Some(u) => u,
                None => unreachable!("every item is taken exactly once"),
            })
            .collect()
    })
}

/// Applies `f` to every item in turn (no threads in the browser).
#[cfg(target_arch = "wasm32")]
pub(crate) fn par_map<T: Send, U: Send>(items: Vec<T>, f: impl Fn(T) -> U + Sync) -> Vec<U> {
    items.into_iter().map(f).collect()
}

/// Runs `a` on a second thread while this one runs `b`, and returns both
/// results (`a` runs here too if no thread can be started).
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn join<A: Send, B>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B) -> (A, B) {
    use std::sync::Mutex;
    let task = Mutex::new(Some(a));
    let take = || task.lock().ok().and_then(|mut slot| slot.take());
    std::thread::scope(|s| {
        let worker = std::thread::Builder::new().spawn_scoped(s, || take().map(|a| a())).ok();
        let b = b();
        let a = worker.and_then(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        match a.or_else(|| take().map(|a| a())) {
            Some(a) => (a, b),
            None => unreachable!("the task is taken exactly once"),
        }
    })
}

/// Threads worth running: one per core, at most 8 (one in the browser).
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |t| t.get().min(8))
}

/// One thread in the browser.
#[cfg(target_arch = "wasm32")]
pub(crate) fn threads() -> usize {
    1
}

/// Consecutive chunks of `0..n`: one per core, each at least `min_chunk` long.
pub(crate) fn chunk_ranges(n: usize, min_chunk: usize) -> Vec<Range<usize>> {
    let chunks = threads().min(n / min_chunk.max(1)).max(1);
    let size = n.div_ceil(chunks);
    (0..chunks).map(|c| (c * size).min(n)..((c + 1) * size).min(n)).collect()
}

/// Runs `f` over consecutive chunks of `0..n` (as [`chunk_ranges`] cuts
/// them) and returns the results in chunk order.
///
/// Results never depend on the chunking: callers merge them into a total order.
pub(crate) fn par_chunks<U: Send>(
    n: usize,
    min_chunk: usize,
    f: impl Fn(Range<usize>) -> U + Sync,
) -> Vec<U> {
    par_map(chunk_ranges(n, min_chunk), f)
}

/// Cuts `data` into consecutive pieces of the given lengths, so that threads
/// can each fill their own.
pub(crate) fn split_lengths<T>(
    mut data: &mut [T],
    lengths: impl IntoIterator<Item = usize>,
) -> Vec<&mut [T]> {
    let mut pieces = Vec::new();
    for len in lengths {
        let (piece, rest) = data.split_at_mut(len);
        pieces.push(piece);
        data = rest;
    }
    pieces
}
