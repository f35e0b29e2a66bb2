//! Building SQL with numbered placeholders, and reading 0/1 flags, on either backend.
//!
//! sqlx's own `QueryBuilder` writes `?` for the `Any` driver, which PostgreSQL does not
//! read; this one writes `$1, $2, …`, which both backends read — or, built with
//! [`QueryBuilder::for_backend`] for SQLite, `?` (see there why).

use sqlx::any::{AnyArguments, AnyRow, AnyTypeInfo, AnyValueRef};
use sqlx::query::{Query, QueryAs, QueryScalar};
use sqlx::{Any, Arguments, Decode, Encode, FromRow, Type, Value, ValueRef};
use std::fmt::{Display, Write};

/// Rows written by one multi-row `INSERT` of the draw tables (at most 7 values each: 7,000
/// placeholders, well under SQLite's 32,766 and PostgreSQL's 65,535).
pub(super) const ROWS_PER_INSERT: usize = 1000;

/// SQL text and the values bound to its placeholders.
pub struct QueryBuilder<'args> {
    sql: String,
    args: Option<AnyArguments<'args>>,
    /// Placeholders written as `?` (SQLite only), not `$n`.
    anonymous: bool,
}

impl<'args> QueryBuilder<'args> {
    pub fn new(init: impl Into<String>) -> Self {
        Self { sql: init.into(), args: Some(AnyArguments::default()), anonymous: false }
    }

    /// A builder for a statement with many values (a multi-row `INSERT`, a long `IN` list) on
    /// `backend`. On SQLite its placeholders are anonymous (`?`): sqlx asks SQLite the name
    /// of every numbered one, and SQLite finds a name by walking its list of them, so a
    /// statement of n numbered placeholders costs n²/2 steps before it runs — for a
    /// 1,000-row insert of 12 columns, 72 million, longer than the insert itself. Every
    /// placeholder of such a statement must come from this builder, in order (`init` and
    /// the text pushed hold none).
    pub fn for_backend(backend: super::Backend, init: impl Into<String>) -> Self {
        Self { anonymous: !backend.is_postgres(), ..Self::new(init) }
    }

    /// Appends SQL text as it is.
    pub fn push(&mut self, sql: impl Display) -> &mut Self {
        write!(self.sql, "{sql}").expect("writing to a String");
        self
    }

    /// Appends a placeholder and binds `value` to it.
    pub fn push_bind<T>(&mut self, value: T) -> &mut Self
    where
        T: 'args + Encode<'args, Any> + Type<Any>,
    {
        let args = self.args.as_mut().expect("QueryBuilder used after build");
        args.add(value).expect("encoding a bound value");
        if self.anonymous {
            self.sql.push('?');
        } else {
            write!(self.sql, "${}", args.len()).expect("writing to a String");
        }
        self
    }

    /// A helper that puts `separator` between what is pushed through it.
    pub fn separated<'b>(&'b mut self, separator: &'static str) -> Separated<'b, 'args> {
        Separated { builder: self, separator, first: true }
    }

    /// ` VALUES (…), (…)` with one row per item, each filled in by `push_row`.
    pub fn push_values<I, F>(&mut self, items: I, mut push_row: F) -> &mut Self
    where
        I: IntoIterator,
        F: FnMut(Separated<'_, 'args>, I::Item),
    {
        self.push(" VALUES ");
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.push("(");
            push_row(self.separated(", "), item);
            self.push(")");
        }
        self
    }

    /// The SQL written so far.
    ///
    /// Built queries borrow the builder for as long as the values they bind (sqlx's `Any`
    /// arguments carry that one lifetime), so a builder is built once and then dropped.
    pub fn sql(&self) -> &str {
        &self.sql
    }

    pub fn build(&'args mut self) -> Query<'args, Any, AnyArguments<'args>> {
        sqlx::query_with(&self.sql, self.args.take().expect("QueryBuilder built twice"))
    }

    pub fn build_query_as<T>(&'args mut self) -> QueryAs<'args, Any, T, AnyArguments<'args>>
    where
        T: for<'r> FromRow<'r, AnyRow>,
    {
        sqlx::query_as_with(&self.sql, self.args.take().expect("QueryBuilder built twice"))
    }

    pub fn build_query_scalar<T>(&'args mut self) -> QueryScalar<'args, Any, T, AnyArguments<'args>>
    where
        (T,): for<'r> FromRow<'r, AnyRow>,
    {
        sqlx::query_scalar_with(&self.sql, self.args.take().expect("QueryBuilder built twice"))
    }
}

/// Pushes through a [`QueryBuilder`], with a separator between items.
pub struct Separated<'b, 'args> {
    builder: &'b mut QueryBuilder<'args>,
    separator: &'static str,
    first: bool,
}

impl<'args> Separated<'_, 'args> {
    fn sep(&mut self) {
        if !std::mem::take(&mut self.first) {
            self.builder.push(self.separator);
        }
    }

    pub fn push(&mut self, sql: impl Display) -> &mut Self {
        self.sep();
        self.builder.push(sql);
        self
    }

    pub fn push_bind<T>(&mut self, value: T) -> &mut Self
    where
        T: 'args + Encode<'args, Any> + Type<Any>,
    {
        self.sep();
        self.builder.push_bind(value);
        self
    }
}

/// A yes/no stored as 0/1 (both schemas keep flags in integer columns) or worked out by an
/// expression (PostgreSQL gives `boolean`, SQLite an integer). Read a `bool` field with
/// `#[sqlx(try_from = "Flag")]`; bind a `bool` as `i64::from(b)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flag(pub bool);

impl From<Flag> for bool {
    fn from(f: Flag) -> bool {
        f.0
    }
}

impl Type<Any> for Flag {
    fn type_info() -> AnyTypeInfo {
        <i64 as Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        <i64 as Type<Any>>::compatible(ty) || <bool as Type<Any>>::compatible(ty)
    }
}

impl<'r> Decode<'r, Any> for Flag {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        let owned = ValueRef::to_owned(&value);
        match <i64 as Decode<Any>>::decode(owned.as_ref()) {
            Ok(n) => Ok(Flag(n != 0)),
            Err(_) => Ok(Flag(<bool as Decode<Any>>::decode(owned.as_ref())?)),
        }
    }
}

#[cfg(test)]
mod placeholder_tests {
    use super::QueryBuilder;
    use crate::ssr::db::Backend;

    #[test]
    fn numbered_placeholders_by_default_and_anonymous_ones_for_many_values_on_sqlite() {
        let build = |mut q: QueryBuilder<'static>| {
            q.push_values([(1_i64, "a"), (2, "b")], |mut row, (n, s)| {
                row.push_bind(n).push_bind(s);
            });
            q.sql().to_owned()
        };
        assert_eq!(
            build(QueryBuilder::new("INSERT INTO t (n, s)")),
            "INSERT INTO t (n, s) VALUES ($1, $2), ($3, $4)"
        );
        assert_eq!(
            build(QueryBuilder::for_backend(Backend::Postgres, "INSERT INTO t (n, s)")),
            "INSERT INTO t (n, s) VALUES ($1, $2), ($3, $4)"
        );
        assert_eq!(
            build(QueryBuilder::for_backend(Backend::Sqlite, "INSERT INTO t (n, s)")),
            "INSERT INTO t (n, s) VALUES (?, ?), (?, ?)"
        );
    }
}
