//! What the server's `/metrics` reads from the database: the attempts to freeze and to draw
//! that `draws` records (every one, refused ones counted with their repeats).

/// (action, outcome, attempts) for each action (`freeze`, `draw`) and outcome (`done`,
/// `refused`) recorded so far.
pub async fn draw_attempts(db: &sqlx::AnyPool) -> Result<Vec<(String, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT action, outcome, CAST(SUM(repeats) AS BIGINT) FROM draw_attempts \
         GROUP BY action, outcome ORDER BY action, outcome",
    )
    .fetch_all(db)
    .await
}
