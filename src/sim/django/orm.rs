//! A small ORM with Django's QuerySet semantics, running real SQL on an
//! in-memory SQLite database.
//!
//! Two models: `Author(id, name)` and `Book(id, title, author -> Author)`, stored
//! in tables `library_author` and `library_book` exactly as Django would name
//! them for an app called `library`.
//!
//! A [`QuerySet`] is only a description (model, filters, ordering,
//! `select_related`, `prefetch_related`) plus a result cache. Building or
//! chaining one runs no SQL. Evaluating it (`list`, `len`) runs one `SELECT` and
//! fills `_result_cache`; after that, `len`, `count`, `exists` and slices are
//! answered from the cache. `count()` and `exists()` on an unevaluated QuerySet
//! run their own `COUNT(*)` / `SELECT 1 ... LIMIT 1` every time and cache nothing.
//!
//! Related objects are where the N+1 problem lives: `book.author` on a plain
//! instance runs `Author.objects.get(pk=...)` (`LIMIT 21`) and caches the author
//! on that instance only. `select_related(author)` adds an `INNER JOIN` so the
//! author comes with the row; `prefetch_related(author)` runs one more query,
//! `WHERE id IN (...)`, and joins the results in memory.

use super::events::DjangoEvent;
use crate::emit;
use crate::sim::trace::Observer;
use rusqlite::types::Value as SqlValue;
use rusqlite::Connection;

/// Largest dataset `seed` accepts (authors and books each).
pub const MAX_ROWS: usize = 10_000;
/// Names for the first authors; later ones are `Author N`.
const NAMES: &[&str] = &["Ada", "Grace", "Alan", "Barbara", "Edsger", "Donald"];

/// The two models.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Model {
    /// `Book(id, title, author_id)`.
    Book,
    /// `Author(id, name)`.
    Author,
}

impl Model {
    /// The class name.
    pub fn name(self) -> &'static str {
        match self {
            Model::Book => "Book",
            Model::Author => "Author",
        }
    }
}

/// An author instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Author {
    /// Primary key.
    pub id: i64,
    /// Name.
    pub name: String,
    /// The prefetched `book_set`, if `prefetch_related('book_set')` filled it.
    pub books: Option<Vec<Book>>,
}

/// A book instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Book {
    /// Primary key.
    pub id: i64,
    /// Title.
    pub title: String,
    /// The foreign key's raw value (reading it never queries).
    pub author_id: i64,
    /// The related author, once fetched (cached on this instance only).
    pub author: Option<Box<Author>>,
}

/// One row in a result cache.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Row {
    /// A book.
    Book(Book),
    /// An author.
    Author(Author),
}

impl Row {
    /// A short display: the title or the name.
    pub fn label(&self) -> String {
        match self {
            Row::Book(b) => b.title.clone(),
            Row::Author(a) => a.name.clone(),
        }
    }
}

/// A field a filter or ordering can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// `id` / `pk`.
    Id,
    /// `Book.title`.
    Title,
    /// `Book.author` / `author_id`.
    AuthorId,
    /// `Book.author__name` (needs the join).
    AuthorName,
    /// `Author.name`.
    Name,
}

impl Field {
    /// Parse a field name for a model.
    pub fn parse(model: Model, name: &str) -> Result<Field, String> {
        let f = match (model, name) {
            (_, "id" | "pk") => Field::Id,
            (Model::Book, "title") => Field::Title,
            (Model::Book, "author" | "author_id" | "author__id" | "author__pk") => Field::AuthorId,
            (Model::Book, "author__name") => Field::AuthorName,
            (Model::Author, "name") => Field::Name,
            _ => {
                let choices = match model {
                    Model::Book => "id, pk, title, author, author_id, author__name",
                    Model::Author => "id, pk, name",
                };
                return Err(format!(
                    "Cannot resolve keyword '{name}' into field. Choices are: {choices}"
                ));
            }
        };
        Ok(f)
    }

    fn column(self, model: Model) -> String {
        let (t, c) = match self {
            Field::Id => (table(model), "id"),
            Field::Title => ("library_book", "title"),
            Field::AuthorId => ("library_book", "author_id"),
            Field::AuthorName | Field::Name => ("library_author", "name"),
        };
        format!("\"{t}\".\"{c}\"")
    }

    fn is_int(self) -> bool {
        matches!(self, Field::Id | Field::AuthorId)
    }
}

fn table(model: Model) -> &'static str {
    match model {
        Model::Book => "library_book",
        Model::Author => "library_author",
    }
}

const BOOK_COLS: &str =
    "\"library_book\".\"id\", \"library_book\".\"title\", \"library_book\".\"author_id\"";
const AUTHOR_COLS: &str = "\"library_author\".\"id\", \"library_author\".\"name\"";
const JOIN: &str =
    "INNER JOIN \"library_author\" ON (\"library_book\".\"author_id\" = \"library_author\".\"id\")";

/// A filter lookup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// `=`
    Exact,
    /// `__gt`
    Gt,
    /// `__gte`
    Gte,
    /// `__lt`
    Lt,
    /// `__lte`
    Lte,
}

impl Lookup {
    fn op(self) -> &'static str {
        match self {
            Lookup::Exact => "=",
            Lookup::Gt => ">",
            Lookup::Gte => ">=",
            Lookup::Lt => "<",
            Lookup::Lte => "<=",
        }
    }
}

/// A parameter value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Val {
    /// An integer.
    Int(i64),
    /// Text.
    Text(String),
}

impl Val {
    fn display(&self) -> String {
        match self {
            Val::Int(i) => i.to_string(),
            Val::Text(s) => format!("'{}'", s.replace('\'', "''")),
        }
    }
    fn sql(&self) -> SqlValue {
        match self {
            Val::Int(i) => SqlValue::Integer(*i),
            Val::Text(s) => SqlValue::Text(s.clone()),
        }
    }
}

/// One `field__lookup=value` condition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filter {
    /// The field.
    pub field: Field,
    /// The comparison.
    pub lookup: Lookup,
    /// The value, already converted to the field's type.
    pub value: Val,
}

impl Filter {
    /// Parse `field[__lookup]` and a raw value for a model.
    pub fn parse(model: Model, key: &str, raw: &str) -> Result<Filter, String> {
        let (name, lookup) = match key.rsplit_once("__") {
            Some((n, "gt")) => (n, Lookup::Gt),
            Some((n, "gte")) => (n, Lookup::Gte),
            Some((n, "lt")) => (n, Lookup::Lt),
            Some((n, "lte")) => (n, Lookup::Lte),
            Some((n, "exact")) => (n, Lookup::Exact),
            _ => (key, Lookup::Exact),
        };
        let field = Field::parse(model, name)?;
        let value = if field.is_int() {
            Val::Int(
                raw.parse::<i64>()
                    .map_err(|_| format!("Field '{name}' expected a number but got '{raw}'."))?,
            )
        } else {
            Val::Text(raw.to_string())
        };
        Ok(Filter {
            field,
            lookup,
            value,
        })
    }
}

/// What `prefetch_related` was asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prefetch {
    /// `Book.prefetch_related('author')` (forward FK).
    Author,
    /// `Author.prefetch_related('book_set')` (reverse FK).
    BookSet,
}

/// A lazy QuerySet: a query description and a result cache.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuerySet {
    /// A name for events (`books`, or the `let` name).
    pub label: String,
    /// The model.
    pub model: Model,
    /// `select_related('author')`.
    pub select_related: bool,
    /// `prefetch_related(...)`.
    pub prefetch: Option<Prefetch>,
    /// AND-ed conditions.
    pub filters: Vec<Filter>,
    /// `order_by` fields, `true` = descending.
    pub order: Vec<(Field, bool)>,
    /// `_result_cache`: `None` until evaluated.
    pub cache: Option<Vec<Row>>,
    /// The chain as written, for display.
    pub chain: String,
}

impl QuerySet {
    /// `Model.objects.all()`.
    pub fn all(model: Model, label: &str) -> QuerySet {
        QuerySet {
            label: label.to_string(),
            model,
            select_related: false,
            prefetch: None,
            filters: Vec::new(),
            order: Vec::new(),
            cache: None,
            chain: model.name().to_string(),
        }
    }

    /// A chained copy: same query, empty cache (every chained call returns a new QuerySet).
    pub fn clone_lazy(&self) -> QuerySet {
        QuerySet {
            cache: None,
            ..self.clone()
        }
    }

    /// Django's `ordered`: true when there is an explicit ordering.
    pub fn ordered(&self) -> bool {
        !self.order.is_empty()
    }

    fn needs_join(&self, with_order: bool) -> bool {
        self.filters.iter().any(|f| f.field == Field::AuthorName)
            || (with_order && self.order.iter().any(|(f, _)| *f == Field::AuthorName))
    }

    /// The SQL text (with `%s` placeholders) and its parameters.
    fn select_sql(
        &self,
        what: Select,
        order: &[(Field, bool)],
        limit: Option<(usize, usize)>,
    ) -> (String, Vec<Val>) {
        let mut params = Vec::new();
        let join = match what {
            Select::Rows => self.select_related || self.needs_join(!order.is_empty()),
            _ => self.needs_join(false),
        };
        let cols = match (what, self.model) {
            (Select::Count, _) => "COUNT(*) AS \"__count\"".to_string(),
            (Select::Exists, _) => {
                params.push(Val::Int(1));
                "%s AS \"a\"".to_string()
            }
            (Select::Rows, Model::Book) if self.select_related => {
                format!("{BOOK_COLS}, {AUTHOR_COLS}")
            }
            (Select::Rows, Model::Book) => BOOK_COLS.to_string(),
            (Select::Rows, Model::Author) => AUTHOR_COLS.to_string(),
        };
        let mut sql = format!("SELECT {cols} FROM \"{}\"", table(self.model));
        if join && self.model == Model::Book {
            sql.push(' ');
            sql.push_str(JOIN);
        }
        let conds: Vec<String> = self
            .filters
            .iter()
            .map(|f| {
                params.push(f.value.clone());
                format!("{} {} %s", f.field.column(self.model), f.lookup.op())
            })
            .collect();
        match conds.len() {
            0 => {}
            1 => sql.push_str(&format!(" WHERE {}", conds[0])),
            _ => sql.push_str(&format!(" WHERE ({})", conds.join(" AND "))),
        }
        if what == Select::Rows && !order.is_empty() {
            let o: Vec<String> = order
                .iter()
                .map(|(f, desc)| {
                    format!(
                        "{} {}",
                        f.column(self.model),
                        if *desc { "DESC" } else { "ASC" }
                    )
                })
                .collect();
            sql.push_str(&format!(" ORDER BY {}", o.join(", ")));
        }
        match (what, limit) {
            (Select::Exists, _) => sql.push_str(" LIMIT 1"),
            (_, Some((n, 0))) => sql.push_str(&format!(" LIMIT {n}")),
            (_, Some((n, off))) => sql.push_str(&format!(" LIMIT {n} OFFSET {off}")),
            _ => {}
        }
        (sql, params)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Select {
    Rows,
    Count,
    Exists,
}

/// The database: an in-memory SQLite connection holding the dataset, and the
/// SQL log of the current request or command.
pub struct Orm {
    conn: Connection,
    /// Number of authors in the dataset.
    pub authors: usize,
    /// Number of books in the dataset.
    pub books: usize,
    /// Statements run since the last [`Orm::begin`], as Django logs them.
    pub sql: Vec<String>,
    /// Statements run since the database was built.
    pub total_queries: u64,
}

impl std::fmt::Debug for Orm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Orm")
            .field("authors", &self.authors)
            .field("books", &self.books)
            .field("sql", &self.sql)
            .finish()
    }
}

fn db_err(e: rusqlite::Error) -> String {
    format!("OperationalError: {e}")
}

impl Orm {
    /// A fresh in-memory database with `authors` authors and `books` books
    /// (book `i` belongs to author `(i-1) % authors + 1`).
    pub fn new(authors: usize, books: usize) -> Result<Orm, String> {
        let conn = Connection::open_in_memory().map_err(db_err)?;
        let mut orm = Orm {
            conn,
            authors: 0,
            books: 0,
            sql: Vec::new(),
            total_queries: 0,
        };
        orm.reseed(authors, books)?;
        Ok(orm)
    }

    /// Rebuild the dataset (setup statements are not counted as queries).
    pub fn reseed(&mut self, authors: usize, books: usize) -> Result<(), String> {
        if authors > MAX_ROWS || books > MAX_ROWS {
            return Err(format!("at most {MAX_ROWS} authors and {MAX_ROWS} books"));
        }
        if books > 0 && authors == 0 {
            return Err("books need at least one author".to_string());
        }
        let tx = self.conn.transaction().map_err(db_err)?;
        tx.execute_batch(
            "DROP TABLE IF EXISTS library_book; DROP TABLE IF EXISTS library_author;
             CREATE TABLE library_author (id INTEGER PRIMARY KEY AUTOINCREMENT, name VARCHAR(50) NOT NULL);
             CREATE TABLE library_book (id INTEGER PRIMARY KEY AUTOINCREMENT, title VARCHAR(50) NOT NULL,
                author_id BIGINT NOT NULL REFERENCES library_author (id));
             CREATE INDEX library_book_author_id ON library_book (author_id);",
        )
        .map_err(db_err)?;
        for i in 1..=authors {
            let name = NAMES
                .get(i - 1)
                .map(|s| s.to_string())
                .unwrap_or_else(|| format!("Author {i}"));
            tx.execute(
                "INSERT INTO library_author (id, name) VALUES (?1, ?2)",
                rusqlite::params![i as i64, name],
            )
            .map_err(db_err)?;
        }
        for i in 1..=books {
            let author = ((i - 1) % authors.max(1) + 1) as i64;
            tx.execute(
                "INSERT INTO library_book (id, title, author_id) VALUES (?1, ?2, ?3)",
                rusqlite::params![i as i64, format!("Book {i}"), author],
            )
            .map_err(db_err)?;
        }
        tx.commit().map_err(db_err)?;
        self.authors = authors;
        self.books = books;
        Ok(())
    }

    /// Start a new request or command: clear the SQL log.
    pub fn begin(&mut self) {
        self.sql.clear();
    }

    /// Run one statement (with `%s` placeholders), log it and count it.
    fn run<O: Observer<DjangoEvent>>(
        &mut self,
        obs: &mut O,
        sql: &str,
        params: &[Val],
    ) -> Result<Vec<Vec<SqlValue>>, String> {
        let mut shown = String::with_capacity(sql.len() + 16);
        let mut pieces = sql.split("%s");
        if let Some(first) = pieces.next() {
            shown.push_str(first);
        }
        for (i, piece) in pieces.enumerate() {
            shown.push_str(&params.get(i).map(Val::display).unwrap_or_default());
            shown.push_str(piece);
        }
        let exec = sql.replace("%s", "?");
        let mut stmt = self.conn.prepare_cached(&exec).map_err(db_err)?;
        let ncols = stmt.column_count();
        let bound: Vec<SqlValue> = params.iter().map(Val::sql).collect();
        let mut rows = stmt
            .query(rusqlite::params_from_iter(bound.iter()))
            .map_err(db_err)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(db_err)? {
            let mut r = Vec::with_capacity(ncols);
            for c in 0..ncols {
                r.push(row.get::<_, SqlValue>(c).map_err(db_err)?);
            }
            out.push(r);
        }
        self.sql.push(shown);
        self.total_queries += 1;
        let n = self.sql.len();
        emit!(
            *obs,
            DjangoEvent::Sql {
                n,
                sql: self.sql[n - 1].clone()
            }
        );
        Ok(out)
    }

    /// Queries run since the last [`Orm::begin`].
    pub fn query_count(&self) -> usize {
        self.sql.len()
    }

    fn rows_from(&self, qs: &QuerySet, raw: Vec<Vec<SqlValue>>) -> Vec<Row> {
        raw.into_iter()
            .map(|r| match qs.model {
                Model::Book => {
                    let author = if qs.select_related {
                        Some(Box::new(Author {
                            id: int(&r, 3),
                            name: text(&r, 4),
                            books: None,
                        }))
                    } else {
                        None
                    };
                    Row::Book(Book {
                        id: int(&r, 0),
                        title: text(&r, 1),
                        author_id: int(&r, 2),
                        author,
                    })
                }
                Model::Author => Row::Author(Author {
                    id: int(&r, 0),
                    name: text(&r, 1),
                    books: None,
                }),
            })
            .collect()
    }

    /// Run the main query (with an optional ordering override and limit), then
    /// the prefetch lookups. This is `_fetch_all` on some QuerySet.
    fn fetch<O: Observer<DjangoEvent>>(
        &mut self,
        obs: &mut O,
        qs: &QuerySet,
        order: &[(Field, bool)],
        limit: Option<(usize, usize)>,
    ) -> Result<Vec<Row>, String> {
        let (sql, params) = qs.select_sql(Select::Rows, order, limit);
        let raw = self.run(obs, &sql, &params)?;
        let mut rows = self.rows_from(qs, raw);
        self.prefetch(obs, qs, &mut rows)?;
        Ok(rows)
    }

    fn prefetch<O: Observer<DjangoEvent>>(
        &mut self,
        obs: &mut O,
        qs: &QuerySet,
        rows: &mut [Row],
    ) -> Result<(), String> {
        let Some(p) = qs.prefetch else {
            return Ok(());
        };
        if rows.is_empty() {
            return Ok(());
        }
        match p {
            Prefetch::Author => {
                // Already cached by select_related: nothing to fetch.
                let all_cached = rows
                    .iter()
                    .all(|r| matches!(r, Row::Book(b) if b.author.is_some()));
                if all_cached {
                    return Ok(());
                }
                let mut keys: Vec<i64> = rows
                    .iter()
                    .filter_map(|r| match r {
                        Row::Book(b) => Some(b.author_id),
                        _ => None,
                    })
                    .collect();
                keys.sort_unstable();
                keys.dedup();
                emit!(
                    *obs,
                    DjangoEvent::Prefetch {
                        lookup: "author".into(),
                        keys: keys.clone()
                    }
                );
                let sql = format!(
                    "SELECT {AUTHOR_COLS} FROM \"library_author\" WHERE \"library_author\".\"id\" IN ({})",
                    vec!["%s"; keys.len()].join(", ")
                );
                let params: Vec<Val> = keys.iter().map(|k| Val::Int(*k)).collect();
                let raw = self.run(obs, &sql, &params)?;
                let authors: Vec<Author> = raw
                    .iter()
                    .map(|r| Author {
                        id: int(r, 0),
                        name: text(r, 1),
                        books: None,
                    })
                    .collect();
                for r in rows.iter_mut() {
                    if let Row::Book(b) = r {
                        b.author = authors
                            .iter()
                            .find(|a| a.id == b.author_id)
                            .map(|a| Box::new(a.clone()));
                    }
                }
            }
            Prefetch::BookSet => {
                let mut keys: Vec<i64> = Vec::new();
                for r in rows.iter() {
                    if let Row::Author(a) = r {
                        if !keys.contains(&a.id) {
                            keys.push(a.id);
                        }
                    }
                }
                emit!(
                    *obs,
                    DjangoEvent::Prefetch {
                        lookup: "book_set".into(),
                        keys: keys.clone()
                    }
                );
                let sql = format!(
                    "SELECT {BOOK_COLS} FROM \"library_book\" WHERE \"library_book\".\"author_id\" IN ({})",
                    vec!["%s"; keys.len()].join(", ")
                );
                let params: Vec<Val> = keys.iter().map(|k| Val::Int(*k)).collect();
                let raw = self.run(obs, &sql, &params)?;
                let books: Vec<Book> = raw
                    .iter()
                    .map(|r| Book {
                        id: int(r, 0),
                        title: text(r, 1),
                        author_id: int(r, 2),
                        author: None,
                    })
                    .collect();
                for r in rows.iter_mut() {
                    if let Row::Author(a) = r {
                        a.books = Some(
                            books
                                .iter()
                                .filter(|b| b.author_id == a.id)
                                .cloned()
                                .collect(),
                        );
                    }
                }
            }
        }
        Ok(())
    }

    /// Evaluate a QuerySet (`list(qs)`): one query unless the cache is filled.
    pub fn fetch_all<O: Observer<DjangoEvent>>(
        &mut self,
        obs: &mut O,
        qs: &mut QuerySet,
    ) -> Result<(), String> {
        if qs.cache.is_some() {
            emit!(
                *obs,
                DjangoEvent::CacheHit {
                    name: qs.label.clone(),
                    op: "__iter__()".into()
                }
            );
            return Ok(());
        }
        let order = qs.order.clone();
        let rows = self.fetch(obs, qs, &order, None)?;
        emit!(
            *obs,
            DjangoEvent::ResultCache {
                name: qs.label.clone(),
                rows: rows.len()
            }
        );
        qs.cache = Some(rows);
        Ok(())
    }

    /// `qs.count()`.
    pub fn count<O: Observer<DjangoEvent>>(
        &mut self,
        obs: &mut O,
        qs: &QuerySet,
    ) -> Result<usize, String> {
        if let Some(c) = &qs.cache {
            emit!(
                *obs,
                DjangoEvent::CacheHit {
                    name: qs.label.clone(),
                    op: "count()".into()
                }
            );
            return Ok(c.len());
        }
        let (sql, params) = qs.select_sql(Select::Count, &[], None);
        let raw = self.run(obs, &sql, &params)?;
        Ok(raw.first().map(|r| int(r, 0)).unwrap_or(0).max(0) as usize)
    }

    /// `qs.exists()`.
    pub fn exists<O: Observer<DjangoEvent>>(
        &mut self,
        obs: &mut O,
        qs: &QuerySet,
    ) -> Result<bool, String> {
        if let Some(c) = &qs.cache {
            emit!(
                *obs,
                DjangoEvent::CacheHit {
                    name: qs.label.clone(),
                    op: "exists()".into()
                }
            );
            return Ok(!c.is_empty());
        }
        let (sql, params) = qs.select_sql(Select::Exists, &[], None);
        Ok(!self.run(obs, &sql, &params)?.is_empty())
    }

    /// `qs.first()`: an unordered QuerySet is re-ordered by pk on a clone, so it
    /// always queries; an ordered one slices its cache when it has one.
    pub fn first<O: Observer<DjangoEvent>>(
        &mut self,
        obs: &mut O,
        qs: &QuerySet,
    ) -> Result<Option<Row>, String> {
        if qs.ordered() {
            if let Some(c) = &qs.cache {
                emit!(
                    *obs,
                    DjangoEvent::CacheHit {
                        name: qs.label.clone(),
                        op: "first()".into()
                    }
                );
                return Ok(c.first().cloned());
            }
            let order = qs.order.clone();
            return Ok(self
                .fetch(obs, qs, &order, Some((1, 0)))?
                .into_iter()
                .next());
        }
        let order = [(Field::Id, false)];
        Ok(self
            .fetch(obs, qs, &order, Some((1, 0)))?
            .into_iter()
            .next())
    }

    /// `qs[i]`: `LIMIT 1 OFFSET i` on a clone, or the cache.
    pub fn index<O: Observer<DjangoEvent>>(
        &mut self,
        obs: &mut O,
        qs: &QuerySet,
        i: usize,
    ) -> Result<Option<Row>, String> {
        if let Some(c) = &qs.cache {
            emit!(
                *obs,
                DjangoEvent::CacheHit {
                    name: qs.label.clone(),
                    op: format!("__getitem__({i})")
                }
            );
            return Ok(c.get(i).cloned());
        }
        let order = qs.order.clone();
        Ok(self
            .fetch(obs, qs, &order, Some((1, i)))?
            .into_iter()
            .next())
    }

    /// `list(qs[a:b])` or `qs[a:b:step]`: one query with LIMIT/OFFSET on a clone,
    /// or a slice of the cache. An empty range runs nothing.
    pub fn slice<O: Observer<DjangoEvent>>(
        &mut self,
        obs: &mut O,
        qs: &QuerySet,
        a: usize,
        b: usize,
        step: usize,
    ) -> Result<Vec<Row>, String> {
        let rows = if let Some(c) = &qs.cache {
            emit!(
                *obs,
                DjangoEvent::CacheHit {
                    name: qs.label.clone(),
                    op: format!("__getitem__({a}:{b})")
                }
            );
            c.iter()
                .skip(a)
                .take(b.saturating_sub(a))
                .cloned()
                .collect()
        } else if b <= a {
            Vec::new()
        } else {
            let order = qs.order.clone();
            self.fetch(obs, qs, &order, Some((b - a, a)))?
        };
        Ok(rows.into_iter().step_by(step.max(1)).collect())
    }

    /// `book.author`: from the instance cache, or `Author.objects.get(pk=...)`.
    pub fn author_of<O: Observer<DjangoEvent>>(
        &mut self,
        obs: &mut O,
        book: &mut Book,
    ) -> Result<Author, String> {
        if let Some(a) = &book.author {
            emit!(
                *obs,
                DjangoEvent::ForeignKey {
                    book: book.id,
                    author: a.id,
                    cached: true
                }
            );
            return Ok((**a).clone());
        }
        let sql = format!(
            "SELECT {AUTHOR_COLS} FROM \"library_author\" WHERE \"library_author\".\"id\" = %s LIMIT 21"
        );
        let raw = self.run(obs, &sql, &[Val::Int(book.author_id)])?;
        let r = raw.first().ok_or_else(|| {
            "Author.DoesNotExist: Author matching query does not exist.".to_string()
        })?;
        let a = Author {
            id: int(r, 0),
            name: text(r, 1),
            books: None,
        };
        emit!(
            *obs,
            DjangoEvent::ForeignKey {
                book: book.id,
                author: a.id,
                cached: false
            }
        );
        book.author = Some(Box::new(a.clone()));
        Ok(a)
    }

    /// `author.book_set.all()`, evaluated: the prefetch cache or one query.
    pub fn book_set<O: Observer<DjangoEvent>>(
        &mut self,
        obs: &mut O,
        author: &Author,
    ) -> Result<Vec<Book>, String> {
        if let Some(b) = &author.books {
            emit!(
                *obs,
                DjangoEvent::ReverseSet {
                    author: author.id,
                    cached: true
                }
            );
            return Ok(b.clone());
        }
        let sql = format!(
            "SELECT {BOOK_COLS} FROM \"library_book\" WHERE \"library_book\".\"author_id\" = %s"
        );
        let raw = self.run(obs, &sql, &[Val::Int(author.id)])?;
        emit!(
            *obs,
            DjangoEvent::ReverseSet {
                author: author.id,
                cached: false
            }
        );
        Ok(raw
            .iter()
            .map(|r| Book {
                id: int(r, 0),
                title: text(r, 1),
                author_id: int(r, 2),
                author: None,
            })
            .collect())
    }
}

fn int(r: &[SqlValue], i: usize) -> i64 {
    match r.get(i) {
        Some(SqlValue::Integer(v)) => *v,
        _ => 0,
    }
}

fn text(r: &[SqlValue], i: usize) -> String {
    match r.get(i) {
        Some(SqlValue::Text(s)) => s.clone(),
        Some(SqlValue::Integer(v)) => v.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::trace::NoTrace;

    #[test]
    fn n_plus_one_and_its_cures() {
        let mut orm = Orm::new(4, 10).unwrap();
        let mut obs = NoTrace;
        for (sr, pf, expect) in [(false, false, 11), (true, false, 1), (false, true, 2)] {
            orm.begin();
            let mut qs = QuerySet::all(Model::Book, "qs");
            qs.select_related = sr;
            qs.prefetch = pf.then_some(Prefetch::Author);
            orm.fetch_all(&mut obs, &mut qs).unwrap();
            let mut rows = qs.cache.take().unwrap();
            for r in rows.iter_mut() {
                if let Row::Book(b) = r {
                    orm.author_of(&mut obs, b).unwrap();
                }
            }
            assert_eq!(orm.query_count(), expect, "sr={sr} pf={pf}");
        }
    }

    #[test]
    fn count_and_exists_use_the_cache_once_filled() {
        let mut orm = Orm::new(4, 10).unwrap();
        let mut obs = NoTrace;
        let mut qs = QuerySet::all(Model::Book, "qs");
        assert_eq!(orm.count(&mut obs, &qs).unwrap(), 10);
        assert_eq!(orm.count(&mut obs, &qs).unwrap(), 10);
        assert!(orm.exists(&mut obs, &qs).unwrap());
        orm.fetch_all(&mut obs, &mut qs).unwrap();
        assert_eq!(orm.query_count(), 4);
        orm.count(&mut obs, &qs).unwrap();
        orm.exists(&mut obs, &qs).unwrap();
        orm.fetch_all(&mut obs, &mut qs).unwrap();
        assert_eq!(orm.query_count(), 4);
        assert_eq!(
            orm.sql[2],
            "SELECT 1 AS \"a\" FROM \"library_book\" LIMIT 1"
        );
    }
}
