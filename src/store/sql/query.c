/* The store's compiler of the query model (store/query.h) into SQL: canonical
 * attributes through per-entity whitelists, bound values, keyset pages and sort keys; and
 * the lists served by it (groups, users, apps, app assignments). */
#include <string.h>

#include "store/sql/internal.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/fold.h"

enum col_kind { COL_TEXT, COL_INT, COL_NONE, COL_JSON };

/* One canonical attribute of an entity (store/query.h): its SQL over alias '@', its Unicode
 * case-folded copy (util/fold.h, indexed: what `search` compares, or NULL), the trigram
 * column serving `co` (or NULL), and whether it is never NULL (sorts on the bare column, so
 * an index can give the order). A COL_JSON entry is a document whose members the query
 * names (custom profile attributes, an app's settings). A map ends with field 0. */
struct col_map {
    enum store_attr field;
    enum col_kind kind;
    const char *sql;
    const char *fold;
    const char *trgm;
    bool not_null;
};

/* name_fold is fold(name); the built-in group's 'everyone' folds like its 'Everyone' */
static const struct col_map group_cols[] = {
    {STORE_ATTR_ID, COL_TEXT, "@.okta_id", NULL, NULL, true},
    {STORE_ATTR_TYPE, COL_INT, "@.type", NULL, NULL, false},
    {STORE_ATTR_CREATED, COL_INT, "@.created", NULL, NULL, false},
    {STORE_ATTR_UPDATED, COL_INT, "@.last_updated", NULL, NULL, false},
    {STORE_ATTR_MEMBERS_UPDATED, COL_INT, "@.last_membership_updated", NULL, NULL, false},
    {STORE_ATTR_NAME, COL_TEXT, "@.okta_name", "@.name_fold", "name", true},
    {STORE_ATTR_DESCRIPTION, COL_TEXT, "@.description", "@.description_fold", "description", false},
    {STORE_ATTR_UNHELD, COL_NONE, "NULL", NULL, NULL, false},
    {STORE_ATTR_PROFILE, COL_JSON, "@.profile_json", NULL, NULL, false},
    {0, 0, NULL, NULL, NULL, false},
};

static const struct col_map user_cols[] = {
    {STORE_ATTR_ID, COL_TEXT, "@.okta_id", NULL, NULL, true},
    {STORE_ATTR_STATUS, COL_INT, "@.status", NULL, NULL, false},
    {STORE_ATTR_CREATED, COL_INT, "@.created", NULL, NULL, false},
    {STORE_ATTR_ACTIVATED, COL_INT, "@.activated", NULL, NULL, false},
    {STORE_ATTR_STATUS_CHANGED, COL_INT, "@.status_changed", NULL, NULL, false},
    {STORE_ATTR_UPDATED, COL_INT, "@.last_updated", NULL, NULL, false},
    {STORE_ATTR_PASSWORD_CHANGED, COL_INT, "@.password_changed", NULL, NULL, false},
    {STORE_ATTR_LOGIN, COL_TEXT, "@.login", "@.login_fold", "login", false},
    {STORE_ATTR_EMAIL, COL_TEXT, "@.email", "@.email_fold", "email", false},
    {STORE_ATTR_FIRST_NAME, COL_TEXT, "@.first_name", "@.first_name_fold", "first_name", false},
    {STORE_ATTR_LAST_NAME, COL_TEXT, "@.last_name", "@.last_name_fold", "last_name", false},
    {STORE_ATTR_DISPLAY_NAME, COL_TEXT, "@.display_name", "@.display_name_fold", NULL, false},
    {STORE_ATTR_UNHELD, COL_NONE, "NULL", NULL, NULL, false},
    {STORE_ATTR_PROFILE, COL_JSON, "@.profile_json", NULL, NULL, false},
    {0, 0, NULL, NULL, NULL, false},
};

/* Apps: the members the body keeps as opaque JSON are read from it. */
static const struct col_map app_cols[] = {
    {STORE_ATTR_ID, COL_TEXT, "@.okta_id", NULL, NULL, true},
    {STORE_ATTR_STATUS, COL_INT, "@.active", NULL, NULL, true},
    {STORE_ATTR_NAME, COL_TEXT, "@.name", NULL, NULL, true},
    {STORE_ATTR_DOC, COL_JSON, "@.body_json", NULL, NULL, false},
    {0, 0, NULL, NULL, NULL, false},
};

enum bind_kind { B_TEXT, B_INT, B_REAL, B_NULL, B_TEXT_HI, B_TEXT_HI_NOCASE };

struct bindv {
    enum bind_kind kind;
    const char *s;
    size_t n;
    int64_t i;
    double d;
};

#define MAX_BINDS 256

/* A query under construction: SQL text and its parameters (?1 …). */
struct qb {
    struct buf sql;
    struct bindv b[MAX_BINDS];
    int nb;
    int err;
    struct arena *a;
    const struct sql_driver *drv;
    int team;     /* parameter number of the team id (groups), 0 when none */
    bool as_text; /* the comparison being compiled reads document members as text */
};

static void qb_init(struct qb *q, struct sql_conn *c, struct arena *a)
{
    memset(q, 0, sizeof(*q));
    buf_init(&q->sql, 65536);
    q->a = a;
    q->drv = c->drv;
}

/* Adds a parameter; returns its number for "?N". */
static int qb_bind(struct qb *q, struct bindv v)
{
    if (q->nb >= MAX_BINDS) {
        q->err = R_EINVAL;
        return 1;
    }
    q->b[q->nb] = v;
    return ++q->nb;
}

static int qb_text(struct qb *q, const char *s, size_t n)
{
    return qb_bind(q, (struct bindv){.kind = B_TEXT, .s = s, .n = n});
}

static int qb_int(struct qb *q, int64_t i)
{
    return qb_bind(q, (struct bindv){.kind = B_INT, .i = i});
}

/* Upper bound of a bytewise prefix range (the engine's suffix above every UTF-8 text). */
static int qb_text_hi(struct qb *q, const char *s, size_t n)
{
    return qb_bind(q, (struct bindv){.kind = B_TEXT_HI, .s = s, .n = n});
}

/* The Unicode case fold of v (util/fold.h) in the query's arena; the error is kept in q. */
static struct slice qb_fold(struct qb *q, struct slice v)
{
    struct slice f = {"", 0};
    int rc = fold_arena(q->a, v, &f);
    if (rc && !q->err)
        q->err = rc;
    return f;
}

/* Appends a column template with '@' replaced by alias. */
static void qb_col(struct qb *q, const char *tmpl, const char *alias)
{
    for (const char *p = tmpl; *p; p++) {
        if (*p == '@')
            buf_append_str(&q->sql, alias);
        else
            buf_append(&q->sql, p, 1);
    }
}

static int qb_apply(struct qb *q, struct sql_stmt *st)
{
    for (int i = 0; i < q->nb; i++) {
        struct bindv *v = &q->b[i];
        switch (v->kind) {
        case B_TEXT: sql_bind_text(st, i + 1, v->s, v->n); break;
        case B_TEXT_HI:
        case B_TEXT_HI_NOCASE: {
            int rc = sql__bind_prefix_hi(q->a, st, i + 1, v->s, v->n,
                                         v->kind == B_TEXT_HI ? SQL_RANGE_BYTES : SQL_RANGE_NOCASE);
            if (rc)
                return rc;
            break;
        }
        case B_INT: sql_bind_int(st, i + 1, v->i); break;
        case B_REAL: sql_bind_double(st, i + 1, v->d); break;
        case B_NULL: sql_bind_str(st, i + 1, NULL); break;
        }
    }
    return 0;
}

static const struct col_map *col_find(const struct col_map *map, enum store_attr field)
{
    for (const struct col_map *m = map; m->field; m++)
        if (m->field == field)
            return m;
    return NULL;
}

/* The JSON path of a document member (bound, never spliced): '$."name"' for a custom
 * profile attribute ([A-Za-z0-9_]), '$.a.b' for a dotted path; NULL when the member is not
 * one of those. */
static const char *member_path(struct arena *a, enum store_attr field, struct slice member)
{
    if (member.n == 0 || member.n > 200)
        return NULL;
    for (size_t i = 0; i < member.n; i++) {
        char c = member.p[i];
        bool dot = field == STORE_ATTR_DOC && c == '.' && i && i + 1 < member.n;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || dot))
            return NULL;
    }
    if (field == STORE_ATTR_DOC)
        return arena_printf(a, "$.%.*s", (int)member.n, member.p);
    return arena_printf(a, "$.\"%.*s\"", (int)member.n, member.p);
}

/* The entry of a field, and the path of its member when it is a document; NULL when the
 * entity has no such attribute (the whitelist). */
static const struct col_map *col_lookup(struct arena *a, const struct col_map *map,
                                        enum store_attr field, struct slice member,
                                        const char **path)
{
    const struct col_map *m = col_find(map, field);
    *path = NULL;
    if (m && m->kind == COL_JSON && !(*path = member_path(a, field, member)))
        return NULL;
    return m;
}

/* The document over alias of m, as the driver's SQL takes it. */
static const char *qb_doc(struct qb *q, const struct col_map *m, const char *alias)
{
    struct buf b;
    buf_init(&b, 256);
    for (const char *p = m->sql; *p; p++)
        buf_append(&b, *p == '@' ? alias : p, *p == '@' ? strlen(alias) : 1);
    const char *out = b.oom ? "NULL" : arena_strndup(q->a, b.p, b.n);
    buf_free(&b);
    return out ? out : "NULL";
}

/* A member's path from the document m over alias (the engine's JSON access). */
static void qb_custom(struct qb *q, const struct col_map *m, const char *path, const char *alias)
{
    q->drv->doc_member(&q->sql, qb_doc(q, m, alias), qb_text(q, path, strlen(path)), q->as_text);
}

/* What a comparison or a sort reads: an entity's column, or a member (path) of one of its
 * documents. */
struct colref {
    const struct col_map *m;
    const char *path; /* a document member: its json_extract path */
};

/* Writes the SQL of a column: mapped, or a document member through json_extract. */
static int qb_column(struct qb *q, const struct colref *r, const char *alias, enum col_kind *kind)
{
    *kind = r->m->kind;
    if (r->path)
        qb_custom(q, r->m, r->path, alias);
    else
        qb_col(q, r->m->sql, alias);
    return 0;
}

/* lastMembershipUpdated <op> ?p: the built-in group's value is derived (GROUP_COLS), so the
 * comparison splits in two: ordinary groups through their okta_groups_members_updated index,
 * and the built-in group (one row per team) through groups_builtin. */
static void qb_members_updated(struct qb *q, const char *alias, const char *op, int p)
{
    buf_appendf(&q->sql,
                "%s.id IN (SELECT id FROM groups WHERE team_id = ?%d AND deleted_at = 0 AND "
                "type <> 1 AND last_membership_updated %s ?%d UNION ALL SELECT b.id FROM groups b "
                "INDEXED BY groups_builtin WHERE b.team_id = ?%d AND b.type = 1 AND "
                "b.deleted_at = 0 AND " SQ_BUILTIN_MEMBERS_UPDATED("b") " %s ?%d))",
                alias, q->team, op, p, q->team, op, p);
}

/* The text a comparison reads: the folded copy when the value is folded (a document member
 * is folded on the fly by the engine's fold function), else the column itself. */
static int qb_cmp_column(struct qb *q, const struct colref *r, const char *alias, bool fold,
                         enum col_kind *kind)
{
    if (!fold)
        return qb_column(q, r, alias, kind);
    if (!r->path) {
        qb_col(q, r->m->fold, alias);
        *kind = r->m->kind;
        return 0;
    }
    buf_appendf(&q->sql, "%s(", q->drv->fold_fn);
    int rc = qb_column(q, r, alias, kind);
    buf_append_str(&q->sql, ")");
    return rc;
}

/* Characters of valid UTF-8: the trigram index matches values of 3 or more only. */
static size_t utf8_chars(struct slice s)
{
    size_t n = 0;
    for (size_t i = 0; i < s.n; i++)
        n += ((unsigned char)s.p[i] & 0xC0) != 0x80;
    return n;
}

static int compile_cmp(struct qb *q, const struct expr *e, const struct col_map *map,
                       const char *alias, const char *trgm_table)
{
    struct colref ref;
    const struct col_map *m = ref.m = col_lookup(q->a, map, e->field, e->member, &ref.path);
    if (!m)
        return R_EINVAL;
    enum col_kind kind;
    int rc;
    q->as_text = e->op == EXPR_PR || e->vtype == EXPR_VAL_STRING || e->vtype == EXPR_VAL_NULL;
    if (e->op == EXPR_PR) {
        buf_append_str(&q->sql, "(");
        if ((rc = qb_column(q, &ref, alias, &kind)))
            return rc;
        if (kind == COL_INT) {
            buf_append_str(&q->sql, " <> 0)");
        } else {
            buf_append_str(&q->sql, " IS NOT NULL AND ");
            qb_column(q, &ref, alias, &kind);
            buf_append_str(&q->sql, " <> '')");
        }
        return 0;
    }
    if (e->vtype == EXPR_VAL_NULL) {
        buf_append_str(&q->sql, "(");
        if ((rc = qb_column(q, &ref, alias, &kind)))
            return rc;
        buf_append_str(&q->sql, e->op == EXPR_NE ? " IS NOT NULL)" : " IS NULL)");
        return 0;
    }
    if (m->kind == COL_INT && e->vtype == EXPR_VAL_STRING)
        return R_EINVAL; /* the dialect turns dates, statuses and types into numbers */
    /* search values compare as Unicode case folds with the folded copies; only id (ASCII)
     * has none and keeps NOCASE */
    bool fold = e->nocase && e->vtype == EXPR_VAL_STRING && (ref.path || m->fold);
    const char *coll = e->nocase && !fold ? " COLLATE NOCASE" : "";
    struct slice v = fold ? qb_fold(q, e->str) : e->str;
    /* value parameter */
    int p;
    if (e->vtype == EXPR_VAL_STRING)
        p = qb_text(q, v.p, v.n);
    else if (e->vtype == EXPR_VAL_NUMBER && e->num == (double)(int64_t)e->num)
        p = qb_int(q, (int64_t)e->num);
    else if (e->vtype == EXPR_VAL_NUMBER)
        p = qb_bind(q, (struct bindv){.kind = B_REAL, .d = e->num});
    else if (e->vtype == EXPR_VAL_BOOL)
        p = qb_int(q, e->boolean ? 1 : 0);
    else
        return R_EINVAL;
    const char *op = NULL;
    switch (e->op) {
    case EXPR_EQ: op = "="; break;
    case EXPR_NE: op = "<>"; break;
    case EXPR_GT: op = ">"; break;
    case EXPR_GE: op = ">="; break;
    case EXPR_LT: op = "<"; break;
    case EXPR_LE: op = "<="; break;
    default: break;
    }
    buf_append_str(&q->sql, "(");
    if (op && q->team && map == group_cols && e->field == STORE_ATTR_MEMBERS_UPDATED) {
        qb_members_updated(q, alias, op, p);
        return 0;
    }
    if (op && e->op == EXPR_EQ && !e->nocase && e->vtype == EXPR_VAL_STRING && m->fold) {
        /* A case-sensitive eq (users filter): equal texts have equal folds, so the folded
         * copy finds the candidates through its index and the exact match decides. */
        struct slice f = qb_fold(q, e->str);
        qb_col(q, m->fold, alias);
        buf_appendf(&q->sql, " = ?%d AND ", qb_text(q, f.p, f.n));
    }
    if (op) {
        if ((rc = qb_cmp_column(q, &ref, alias, fold, &kind)))
            return rc;
        buf_appendf(&q->sql, " %s ?%d%s)", op, p, coll);
        return 0;
    }
    if (e->vtype != EXPR_VAL_STRING)
        return R_EINVAL;
    switch (e->op) {
    case EXPR_SW: {
        /* a range, so an index on the (folded) column finds the candidates */
        int hi = qb_text_hi(q, v.p, v.n);
        if ((rc = qb_cmp_column(q, &ref, alias, fold, &kind)))
            return rc;
        buf_appendf(&q->sql, " >= ?%d%s AND ", p, coll);
        qb_cmp_column(q, &ref, alias, fold, &kind);
        buf_appendf(&q->sql, " < ?%d%s)", hi, coll);
        return 0;
    }
    case EXPR_CO: {
        /* the trigram index holds the folded copies: it is searched with a folded value */
        struct slice tv = fold || !m->trgm ? v : qb_fold(q, e->str);
        if (m->trgm && trgm_table && utf8_chars(tv) >= 3) {
            const char *ph = q->drv->contains_value(q->a, m->trgm, tv.p, tv.n);
            if (!ph)
                return R_ENOMEM;
            struct col_map fc = {.sql = m->fold};
            q->drv->contains(&q->sql, alias, trgm_table, qb_doc(q, &fc, alias),
                             qb_text(q, ph, strlen(ph)));
            if (!fold) {
                /* a case-sensitive `co` rechecks the text itself */
                buf_append_str(&q->sql, " AND instr(");
                qb_column(q, &ref, alias, &kind);
                buf_appendf(&q->sql, ", ?%d) > 0", p);
            }
            buf_append_str(&q->sql, ")");
            return 0;
        }
        buf_append_str(&q->sql, "instr(");
        if ((rc = qb_cmp_column(q, &ref, alias, fold, &kind)))
            return rc;
        buf_appendf(&q->sql, ", ?%d) > 0)", p);
        return 0;
    }
    case EXPR_EW:
        /* the last length(v) characters (a start before the first: no match either way) */
        buf_append_str(&q->sql, "substr(");
        if ((rc = qb_cmp_column(q, &ref, alias, fold, &kind)))
            return rc;
        buf_append_str(&q->sql, ", length(");
        qb_cmp_column(q, &ref, alias, fold, &kind);
        buf_appendf(&q->sql, ") - length(?%d) + 1) = ?%d%s)", p, p, coll);
        return 0;
    default: return R_EINVAL;
    }
}

static int compile_expr(struct qb *q, const struct expr *e, const struct col_map *map,
                        const char *alias, const char *trgm_table, int depth)
{
    if (!e || depth > 200)
        return R_EINVAL;
    int rc;
    switch (e->kind) {
    case EXPR_AND:
    case EXPR_OR:
        buf_append_str(&q->sql, "(");
        if ((rc = compile_expr(q, e->left, map, alias, trgm_table, depth + 1)))
            return rc;
        buf_append_str(&q->sql, e->kind == EXPR_AND ? " AND " : " OR ");
        if ((rc = compile_expr(q, e->right, map, alias, trgm_table, depth + 1)))
            return rc;
        buf_append_str(&q->sql, ")");
        return 0;
    case EXPR_NOT:
        buf_append_str(&q->sql, "(NOT coalesce(");
        if ((rc = compile_expr(q, e->left, map, alias, trgm_table, depth + 1)))
            return rc;
        buf_append_str(&q->sql, ", 0))");
        return 0;
    case EXPR_CMP: return compile_cmp(q, e, map, alias, trgm_table);
    }
    return R_EINVAL;
}

/* The order a list asks for: a mapped column, a document member, or neither (the default
 * order; also for an attribute no row holds: every value ties). */
struct sort_spec {
    const struct col_map *m; /* a mapped column, or the document of path */
    const char *path;        /* a document member: its json_extract path */
};

static bool sort_on(const struct sort_spec *sp)
{
    return sp->m;
}

/* R_EINVAL for an attribute the map cannot sort by. */
static int sort_spec(struct arena *a, const struct col_map *map, const struct store_sort *by,
                     struct sort_spec *out)
{
    memset(out, 0, sizeof(*out));
    if (!by->field)
        return 0;
    const struct col_map *m = col_lookup(a, map, by->field, by->member, &out->path);
    if (!m)
        return R_EINVAL;
    if (m->kind == COL_TEXT || m->kind == COL_INT || out->path)
        out->m = m;
    return 0;
}

/* The sort key over alias. Never NULL, so row values compare: a missing text column is '',
 * a missing custom attribute -Inf (before every value: numbers, then text, by SQLite's order
 * of types). Text compares without case. */
static void qb_sort_expr(struct qb *q, const struct sort_spec *sp, const char *alias)
{
    const struct col_map *m = sp->m;
    if (sp->path) {
        const char *path = sp->path;
        q->drv->doc_sort_key(&q->sql, qb_doc(q, sp->m, alias), qb_text(q, path, strlen(path)));
        return;
    }
    /* texts with a folded copy sort by it: case-insensitively across Unicode, as search
     * compares them (and an index on the copy can give the order) */
    const char *text = m->fold ? m->fold : m->sql;
    const char *coll = m->fold ? "" : " COLLATE NOCASE";
    if (m->kind == COL_TEXT && m->not_null) {
        qb_col(q, text, alias);
        buf_append_str(&q->sql, coll);
    } else if (m->kind == COL_TEXT) {
        buf_append_str(&q->sql, "coalesce(");
        qb_col(q, text, alias);
        buf_appendf(&q->sql, ", '')%s", coll);
    } else {
        qb_col(q, m->sql, alias);
    }
}

/* Keyset condition after the cursor row (looked up by Okta id in table, within the team), in
 * the order of sp (or rowid). key is the row's id as the query reads it (alias.id, or the
 * column of an outer table equal to it, so the index walked gives the order). A cursor that
 * names no row of the team makes every comparison NULL: an empty page. */
static void qb_after(struct qb *q, const char *alias, const char *key, const char *table,
                     const char *after, int64_t team_id, const struct sort_spec *sp, bool desc)
{
    int p = qb_text(q, after, strlen(after)), team = qb_int(q, team_id);
    const char *cmp = desc ? "<" : ">";
    if (!sp || !sort_on(sp)) {
        buf_appendf(&q->sql, " AND %s %s (SELECT id FROM %s WHERE okta_id = ?%d AND team_id = ?%d)",
                    key, cmp, table, p, team);
        return;
    }
    buf_append_str(&q->sql, " AND (");
    qb_sort_expr(q, sp, alias);
    buf_appendf(&q->sql, ", %s) %s (SELECT ", key, cmp);
    qb_sort_expr(q, sp, "c");
    buf_appendf(&q->sql, ", c.id FROM %s c WHERE c.okta_id = ?%d AND c.team_id = ?%d)", table, p,
                team);
    /* implied by the row value, but SQLite does not seek an index on a row value whose
     * first term has a collation: this one makes the page start at the cursor */
    buf_append_str(&q->sql, " AND ");
    qb_sort_expr(q, sp, alias);
    buf_appendf(&q->sql, " %s (SELECT ", desc ? "<=" : ">=");
    qb_sort_expr(q, sp, "c");
    buf_appendf(&q->sql, " FROM %s c WHERE c.okta_id = ?%d AND c.team_id = ?%d)", table, p, team);
}

static void qb_order(struct qb *q, const char *alias, const char *key, const struct sort_spec *sp,
                     bool desc)
{
    const char *dir = desc ? "DESC" : "ASC";
    buf_append_str(&q->sql, " ORDER BY ");
    if (sp && sort_on(sp)) {
        qb_sort_expr(q, sp, alias);
        buf_appendf(&q->sql, " %s, ", dir);
    }
    buf_appendf(&q->sql, "%s %s", key, dir);
}

/* Prepares the built query, binds its parameters. */
static int qb_prepare(struct sql_conn *c, struct qb *q, struct sql_stmt **out)
{
    if (q->err)
        return q->err;
    if (q->sql.oom)
        return R_ENOMEM;
    struct sql_stmt *st = sql__stmt(c, buf_cstr(&q->sql));
    if (!st)
        return R_ESTORE;
    int rc = qb_apply(q, st);
    if (rc)
        return rc;
    *out = st;
    return 0;
}

/* Runs the built query and reads up to limit + 1 rows of `each` bytes with read. */
static int qb_rows(struct sql_conn *c, struct qb *q, struct arena *a, size_t each, unsigned limit,
                   sql_row_reader read, void **out, size_t *n)
{
    struct sql_stmt *st;
    int rc = qb_prepare(c, q, &st);
    return rc ? rc : sql__rows(c, a, st, limit, false, each, read, out, n);
}

/* An ASCII case-insensitive prefix range over a column expression (apps q). */
static void qb_prefix(struct qb *q, const char *col, const char *prefix)
{
    size_t n = strlen(prefix);
    int lo = qb_text(q, prefix, n),
        hi = qb_bind(q, (struct bindv){.kind = B_TEXT_HI_NOCASE, .s = prefix, .n = n});
    buf_appendf(&q->sql, "(%s >= ?%d COLLATE NOCASE AND %s < ?%d COLLATE NOCASE)", col, lo, col,
                hi);
}

/* A prefix range over a folded column, for a folded prefix: Unicode case-insensitive. */
static void qb_fold_prefix(struct qb *q, const char *col, struct slice f)
{
    int lo = qb_text(q, f.p, f.n), hi = qb_text_hi(q, f.p, f.n);
    buf_appendf(&q->sql, "(%s >= ?%d AND %s < ?%d)", col, lo, col, hi);
}

/* A group and its apps count (0 unless asked: the column is then absent). */
struct group_row {
    struct store_group g;
    int64_t apps_count;
};

static int group_row_read(struct arena *a, struct sql_stmt *st, void *row)
{
    struct group_row *r = row;
    r->apps_count = sql_ncols(st) > 18 ? sql_col_int(st, 18) : 0;
    return sql__group_read(a, st, &r->g);
}

int sql__group_query(struct store_conn *sc, struct arena *a, const struct store_query *oq,
                     struct store_group **out, int64_t **apps_count, size_t *n)
{
    struct sql_conn *c = SQLC(sc);
    struct qb q;
    qb_init(&q, c, a);
    struct sort_spec sort;
    int rc = sort_spec(a, group_cols, &oq->sort, &sort);
    if (rc)
        goto out;
    buf_append_str(&q.sql, "SELECT " GROUP_COLS);
    if (oq->with_apps_count)
        buf_append_str(&q.sql, ", (SELECT count(*) FROM okta_app_groups x WHERE "
                               "x.group_id = g.id)");
    if (oq->member_user_id > 0) {
        /* A user's groups are few: fetch them by id through the membership index (plus the
         * built-in group) and sort, rather than walk the team's groups (+ disables that). */
        int team = q.team = qb_int(&q, oq->team_id);
        buf_appendf(&q.sql,
                    " FROM groups g WHERE +g.team_id = ?%d AND g.deleted_at = 0 AND g.id IN ",
                    team);
        sql__user_group_ids(&q.sql, qb_int(&q, oq->member_user_id), team, oq->member_builtin);
    } else {
        q.team = qb_int(&q, oq->team_id);
        buf_appendf(&q.sql, " FROM groups g WHERE g.team_id = ?%d AND g.deleted_at = 0", q.team);
    }
    if (oq->q) {
        buf_append_str(&q.sql, " AND ");
        qb_fold_prefix(&q, "g.name_fold", qb_fold(&q, slice_from_cstr(oq->q)));
    }
    if (oq->expr) {
        buf_append_str(&q.sql, " AND ");
        if ((rc = compile_expr(&q, oq->expr, group_cols, "g", "okta_groups_trgm", 0)))
            goto out;
    }
    if (oq->q) {
        /* exact matches first; q is not pageable. Every folded name in the prefix range
         * starts with the folded q, so the exact matches are its smallest: folded name order
         * puts them first and the okta_groups_name_fold index gives that order */
        buf_append_str(&q.sql, " ORDER BY g.name_fold, g.id");
    } else {
        if (oq->after)
            qb_after(&q, "g", "g.id", "groups", oq->after, oq->team_id, &sort, oq->sort.desc);
        qb_order(&q, "g", "g.id", &sort, oq->sort.desc);
    }
    buf_appendf(&q.sql, " LIMIT ?%d", qb_int(&q, (int64_t)oq->limit + 1));
    struct group_row *rows;
    if ((rc = qb_rows(c, &q, a, sizeof(*rows), oq->limit, group_row_read, (void **)&rows, n)))
        goto out;
    /* split into the interface's arrays */
    struct store_group *groups = arena_alloc(a, sizeof(*groups) * (*n + 1));
    int64_t *counts = arena_alloc(a, sizeof(*counts) * (*n + 1));
    if (!groups || !counts) {
        rc = R_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < *n; i++) {
        groups[i] = rows[i].g;
        counts[i] = rows[i].apps_count;
    }
    *out = groups;
    if (apps_count)
        *apps_count = counts;
out:
    buf_free(&q.sql);
    return rc;
}

int sql__user_query(struct store_conn *sc, struct arena *a, const struct store_query *oq,
                    struct store_user_detail **out, size_t *n)
{
    struct sql_conn *c = SQLC(sc);
    struct qb q;
    qb_init(&q, c, a);
    struct sort_spec sort;
    int rc = sort_spec(a, user_cols, &oq->sort, &sort);
    if (rc)
        goto out;
    /* members are ordered by m.user_id (= u.id), the order of the membership index */
    const char *key = oq->in_group_id > 0 ? "m.user_id" : "u.id";
    if (oq->in_group_id > 0) {
        /* members in user order straight from the (group_id, user_id) index: CROSS JOIN
         * keeps memberships the outer loop, so a small group in a big team never walks the
         * team's users */
        buf_appendf(&q.sql,
                    "SELECT " USER_DETAIL_COLS " FROM memberships m CROSS JOIN users u ON "
                    "u.id = m.user_id WHERE m.group_id = ?%d AND u.team_id = ?%d",
                    qb_int(&q, oq->in_group_id), qb_int(&q, oq->team_id));
    } else {
        buf_appendf(&q.sql, "SELECT " USER_DETAIL_COLS " FROM users u WHERE u.team_id = ?%d",
                    qb_int(&q, oq->team_id));
    }
    buf_append_str(&q.sql, " AND u.user_type = 0 AND u.deleted_at = 0");
    if (!oq->deprovisioned)
        buf_appendf(&q.sql, " AND u.status <> %d", STORE_USER_DEPROVISIONED);
    if (oq->q) {
        /* q: a prefix of first name, last name or email. Each prefix is a range on its own
         * index; their union is the candidate set, so the work is bounded by the matches
         * rather than by walking the team (an OR of the three would walk it) */
        static const char *const cols[] = {"x.first_name_fold", "x.last_name_fold", "x.email_fold"};
        struct slice f = qb_fold(&q, slice_from_cstr(oq->q));
        int team = qb_int(&q, oq->team_id);
        buf_append_str(&q.sql, " AND u.id IN (");
        for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
            buf_appendf(&q.sql,
                        "%sSELECT x.id FROM users x WHERE x.team_id = ?%d AND x.user_type = 0 "
                        "AND x.deleted_at = 0 AND ",
                        i ? " UNION " : "", team);
            qb_fold_prefix(&q, cols[i], f);
        }
        buf_append_str(&q.sql, ")");
    }
    if (oq->expr) {
        buf_append_str(&q.sql, " AND ");
        if ((rc = compile_expr(&q, oq->expr, user_cols, "u", "okta_users_trgm", 0)))
            goto out;
    }
    if (oq->after)
        qb_after(&q, "u", key, "users", oq->after, oq->team_id, &sort, oq->sort.desc);
    qb_order(&q, "u", key, &sort, oq->sort.desc);
    buf_appendf(&q.sql, " LIMIT ?%d", qb_int(&q, (int64_t)oq->limit + 1));
    rc = qb_rows(c, &q, a, sizeof(**out), oq->limit, sql__user_detail_read, (void **)out, n);
out:
    buf_free(&q.sql);
    return rc;
}

int sql__app_query(struct store_conn *sc, struct arena *a, const struct store_query *oq,
                   struct store_app **out, size_t *n)
{
    struct sql_conn *c = SQLC(sc);
    struct qb q;
    qb_init(&q, c, a);
    int rc = 0;
    buf_appendf(&q.sql, "SELECT " APP_COLS " FROM okta_apps a WHERE a.team_id = ?%d",
                qb_int(&q, oq->team_id));
    if (oq->in_group_id > 0)
        buf_appendf(&q.sql,
                    " AND a.id IN (SELECT app_id FROM okta_app_groups WHERE "
                    "group_id = ?%d)",
                    qb_int(&q, oq->in_group_id));
    if (oq->q) {
        buf_append_str(&q.sql, " AND (");
        qb_prefix(&q, "a.name", oq->q);
        buf_append_str(&q.sql, " OR ");
        qb_prefix(&q, "a.label", oq->q);
        buf_append_str(&q.sql, ")");
    }
    if (oq->expr) {
        buf_append_str(&q.sql, " AND ");
        if ((rc = compile_expr(&q, oq->expr, app_cols, "a", NULL, 0)))
            goto out;
    }
    if (oq->after)
        qb_after(&q, "a", "a.id", "okta_apps", oq->after, oq->team_id, NULL, false);
    qb_order(&q, "a", "a.id", NULL, false);
    buf_appendf(&q.sql, " LIMIT ?%d", qb_int(&q, (int64_t)oq->limit + 1));
    rc = qb_rows(c, &q, a, sizeof(**out), oq->limit, sql__app_read, (void **)out, n);
out:
    buf_free(&q.sql);
    return rc;
}

int sql__app_group_query(struct store_conn *sc, struct arena *a, int64_t app_id,
                         const struct store_query *oq, struct store_app_group **out, size_t *n)
{
    struct sql_conn *c = SQLC(sc);
    struct qb q;
    qb_init(&q, c, a);
    /* the app's assignments in group order straight from its primary key; a name prefix
     * filters them (an app's groups, not the team's) */
    buf_appendf(&q.sql, "SELECT " AG_COLS AG_FROM " WHERE ag.app_id = ?%d", qb_int(&q, app_id));
    if (oq->q) {
        buf_append_str(&q.sql, " AND ");
        qb_prefix(&q, "g.okta_name", oq->q);
    }
    if (oq->after)
        qb_after(&q, "g", "ag.group_id", "groups", oq->after, oq->team_id, NULL, false);
    buf_appendf(&q.sql, " ORDER BY ag.group_id LIMIT ?%d", qb_int(&q, (int64_t)oq->limit + 1));
    int rc = qb_rows(c, &q, a, sizeof(**out), oq->limit, sql__app_group_read, (void **)out, n);
    buf_free(&q.sql);
    return rc;
}
