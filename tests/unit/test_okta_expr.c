/* Unit tests for src/api/okta/expr.c: Okta filter/search parsing (okta.md §5), the
 * per-context attribute/operator rules, the §3.2 error codes, and okta_parse_time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/okta/expr.h"
#include "util/arena.h"
#include "util/err.h"

#define GF OKTA_EXPR_GROUP_FILTER
#define GS OKTA_EXPR_GROUP_SEARCH
#define UF OKTA_EXPR_USER_FILTER
#define US OKTA_EXPR_USER_SEARCH
#define AF OKTA_EXPR_APP_FILTER

#define E_SYNTAX "E0000031"
#define E_UNSUPPORTED "E0000094"
#define E_DATE "E0000030"

static const char *const op_names[] = {
    [EXPR_EQ] = "eq", [EXPR_NE] = "ne", [EXPR_GT] = "gt", [EXPR_GE] = "ge", [EXPR_LT] = "lt",
    [EXPR_LE] = "le", [EXPR_SW] = "sw", [EXPR_CO] = "co", [EXPR_EW] = "ew", [EXPR_PR] = "pr",
};

/* ---- a compact rendering of a tree, for shape assertions ----
 * (and L R) (or L R) (not X) (op attr value); "op~" marks nocase; strings are printed raw
 * between double quotes. */

struct out {
    char b[8192];
    size_t n;
};

static void out_add(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out_add(struct out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(o->b + o->n, sizeof(o->b) - o->n, fmt, ap);
    va_end(ap);
    assert_true(k >= 0 && (size_t)k < sizeof(o->b) - o->n);
    o->n += (size_t)k;
}

static void render(struct out *o, const struct expr *e)
{
    assert_non_null(e);
    switch (e->kind) {
    case EXPR_AND:
    case EXPR_OR:
        out_add(o, "(%s ", e->kind == EXPR_AND ? "and" : "or");
        render(o, e->left);
        out_add(o, " ");
        render(o, e->right);
        out_add(o, ")");
        return;
    case EXPR_NOT:
        assert_null(e->right);
        out_add(o, "(not ");
        render(o, e->left);
        out_add(o, ")");
        return;
    case EXPR_CMP:
        assert_null(e->left);
        assert_null(e->right);
        out_add(o, "(%s%s %.*s", op_names[e->op], e->nocase ? "~" : "", (int)e->attr.n, e->attr.p);
        switch (e->vtype) {
        case EXPR_VAL_NONE: assert_int_equal(e->op, EXPR_PR); break;
        case EXPR_VAL_STRING:
            assert_int_equal(e->str.p[e->str.n], 0); /* NUL-terminated */
            out_add(o, " \"%.*s\"", (int)e->str.n, e->str.p);
            break;
        case EXPR_VAL_NUMBER: out_add(o, " %g", e->num); break;
        case EXPR_VAL_BOOL: out_add(o, " %s", e->boolean ? "true" : "false"); break;
        case EXPR_VAL_NULL: out_add(o, " null"); break;
        }
        out_add(o, ")");
        return;
    }
    fail_msg("bad kind %d", (int)e->kind);
}

static struct arena ar;

static int setup(void **state)
{
    (void)state;
    arena_init(&ar, 1 << 22);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    arena_free(&ar);
    return 0;
}

static int parse_n(enum okta_expr_ctx ctx, const char *text, size_t len, size_t max_len,
                   struct expr **e, struct okta_expr_error *err)
{
    return okta_expr_parse(&ar, (struct slice){text, len}, ctx, max_len, e, err);
}

/* Parses text, which must succeed, and checks its rendering. */
static void ok_n(enum okta_expr_ctx ctx, const char *text, size_t len, const char *want)
{
    struct expr *e = NULL;
    struct okta_expr_error err;
    int rc = parse_n(ctx, text, len, 0, &e, &err);
    if (rc != 0)
        fail_msg("ctx %d: %s: %s %s (%s)", (int)ctx, text, err.code, err.summary, err.detail);
    struct out o = {.n = 0};
    render(&o, e);
    if (strcmp(o.b, want) != 0)
        fail_msg("ctx %d: %s\n got  %s\n want %s", (int)ctx, text, o.b, want);
}

static void ok(enum okta_expr_ctx ctx, const char *text, const char *want)
{
    ok_n(ctx, text, strlen(text), want);
}

/* Parses text, which must fail with the given code (and the §3.2 status and summary). */
static void bad_n(enum okta_expr_ctx ctx, const char *text, size_t len, const char *code)
{
    struct expr *e = (struct expr *)&e; /* must be reset to NULL */
    struct okta_expr_error err;
    int rc = parse_n(ctx, text, len, 0, &e, &err);
    if (rc == 0)
        fail_msg("ctx %d: %s: parsed, want %s", (int)ctx, text, code);
    assert_int_equal(rc, R_EINVAL);
    assert_null(e);
    assert_non_null(err.code);
    if (strcmp(err.code, code) != 0)
        fail_msg("ctx %d: %s: got %s (%s), want %s", (int)ctx, text, err.code, err.detail, code);
    assert_int_equal(err.status, 400);
    if (strcmp(code, E_SYNTAX) == 0)
        assert_string_equal(err.summary, "Invalid search criteria.");
    else if (strcmp(code, E_UNSUPPORTED) == 0)
        assert_string_equal(err.summary, "The provided filter is unsupported.");
    else if (strcmp(code, E_DATE) == 0)
        assert_string_equal(err.summary,
                            "Bad request. Invalid date. Dates must be of the form "
                            "yyyy-MM-dd'T'HH:mm:ss.SSSZZ, e.g. 2013-01-01T12:00:00.000-07:00.");
    assert_true(err.detail[0] != 0);
}

static void bad(enum okta_expr_ctx ctx, const char *text, const char *code)
{
    bad_n(ctx, text, strlen(text), code);
}

static const enum okta_expr_ctx all_ctx[] = {GF, GS, UF, US};

/* ---- documented examples (okta.md §5 and the spec's examples it cites) ---- */

static void test_groups_filter_documented(void **state)
{
    (void)state;
    ok(GF,
       "type eq \"OKTA_GROUP\" and (lastUpdated gt \"2015-11-11T00:00:00.000Z\" or "
       "lastMembershipUpdated gt \"2015-11-11T00:00:00.000Z\")",
       "(and (eq type \"OKTA_GROUP\") (or (gt lastUpdated \"2015-11-11T00:00:00.000Z\") "
       "(gt lastMembershipUpdated \"2015-11-11T00:00:00.000Z\")))");
    ok(GF, "id eq \"00g1emaKYZTWRYYRRTSK\"", "(eq id \"00g1emaKYZTWRYYRRTSK\")");
    ok(GF, "type eq \"OKTA_GROUP\"", "(eq type \"OKTA_GROUP\")");
    ok(GF, "type eq \"APP_GROUP\"", "(eq type \"APP_GROUP\")");
    ok(GF, "type eq \"BUILT_IN\"", "(eq type \"BUILT_IN\")");
    ok(GF, "lastUpdated eq \"2015-11-11T00:00:00.000Z\"",
       "(eq lastUpdated \"2015-11-11T00:00:00.000Z\")");
    ok(GF, "lastUpdated lt \"2015-11-11T00:00:00.000Z\"",
       "(lt lastUpdated \"2015-11-11T00:00:00.000Z\")");
    ok(GF, "lastMembershipUpdated eq \"2015-11-11T00:00:00.000Z\"",
       "(eq lastMembershipUpdated \"2015-11-11T00:00:00.000Z\")");
    ok(GF, "lastMembershipUpdated lt \"2015-11-11T00:00:00-07:00\"",
       "(lt lastMembershipUpdated \"2015-11-11T00:00:00-07:00\")");
    ok(GF, "lastUpdated ge \"2015-11-11T00:00:00Z\"", "(ge lastUpdated \"2015-11-11T00:00:00Z\")");
    ok(GF, "lastMembershipUpdated le \"2015-11-11T00:00:00.000Z\"",
       "(le lastMembershipUpdated \"2015-11-11T00:00:00.000Z\")");
    /* the spec's URL-encoding example, decoded */
    ok(GF, "lastUpdated gt \"2013-06-01T00:00:00.000Z\"",
       "(gt lastUpdated \"2013-06-01T00:00:00.000Z\")");
}

static void test_groups_search_documented(void **state)
{
    (void)state;
    ok(GS,
       "type eq \"APP_GROUP\" and (created lt \"2014-01-01T00:00:00.000Z\" and source.id eq "
       "\"0oa2v0el0gP90aqjJ0g7\")",
       "(and (eq~ type \"APP_GROUP\") (and (lt created \"2014-01-01T00:00:00.000Z\") "
       "(eq~ source.id \"0oa2v0el0gP90aqjJ0g7\")))");
    ok(GS,
       "profile.name sw \"West Coast\" or profile.samAccountName eq \"West Coast Users\" or "
       "source.id eq \"0oa2v0el0gP90aqjJ0g7\"",
       "(or (or (sw~ profile.name \"West Coast\") (eq~ profile.samAccountName \"West Coast "
       "Users\")) (eq~ source.id \"0oa2v0el0gP90aqjJ0g7\"))");
    ok(GS, "created lt \"2014-01-01T00:00:00.000Z\"", "(lt created \"2014-01-01T00:00:00.000Z\")");
    ok(GS,
       "lastUpdated gt \"2015-10-01T00:00:00.000Z\" or lastMembershipUpdated gt "
       "\"2015-10-01T00:00:00.000Z\"",
       "(or (gt lastUpdated \"2015-10-01T00:00:00.000Z\") (gt lastMembershipUpdated "
       "\"2015-10-01T00:00:00.000Z\"))");
    ok(GS, "type eq \"OKTA_GROUP\"", "(eq~ type \"OKTA_GROUP\")");
    ok(GS, "type eq \"APP_GROUP\"", "(eq~ type \"APP_GROUP\")");
    ok(GS, "lastMembershipUpdated gt \"2024-01-01T00:00:00.000Z\"",
       "(gt lastMembershipUpdated \"2024-01-01T00:00:00.000Z\")");
    ok(GS, "id eq \"00gak46y5hydV6NdM0g4\"", "(eq~ id \"00gak46y5hydV6NdM0g4\")");
    ok(GS, "profile.name eq \"West Coast users\"", "(eq~ profile.name \"West Coast users\")");
    ok(GS, "profile.samAccountName sw \"West Coast\"",
       "(sw~ profile.samAccountName \"West Coast\")");
    ok(GS, "profile.name co \"Coast\"", "(co~ profile.name \"Coast\")");
    ok(GS, "profile.description co \"ops\"", "(co~ profile.description \"ops\")");
    /* §5.1: what the Node SDK sends (decoded) */
    ok(GS, "profile.name sw \"Eng & Ops\" and type eq \"OKTA_GROUP\"",
       "(and (sw~ profile.name \"Eng & Ops\") (eq~ type \"OKTA_GROUP\"))");
    /* §5.1: pr takes no value */
    ok(GS, "profile.description pr", "(pr profile.description)");
}

static void test_users_documented(void **state)
{
    (void)state;
    ok(UF, "status eq \"ACTIVE\"", "(eq status \"ACTIVE\")");
    ok(UF, "id eq \"00ub0oNGTSWTBKOLGLNR\"", "(eq id \"00ub0oNGTSWTBKOLGLNR\")");
    ok(UF, "profile.login eq \"isaac.brock@example.com\"",
       "(eq profile.login \"isaac.brock@example.com\")");
    ok(UF, "profile.email eq \"a@b.c\"", "(eq profile.email \"a@b.c\")");
    ok(UF, "profile.firstName eq \"Isaac\" and profile.lastName eq \"Brock\"",
       "(and (eq profile.firstName \"Isaac\") (eq profile.lastName \"Brock\"))");
    ok(UF, "lastUpdated gt \"2014-01-01T00:00:00.000Z\"",
       "(gt lastUpdated \"2014-01-01T00:00:00.000Z\")");
    ok(UF,
       "lastUpdated ge \"2014-01-01T00:00:00.000Z\" and lastUpdated le "
       "\"2015-01-01T00:00:00.000Z\"",
       "(and (ge lastUpdated \"2014-01-01T00:00:00.000Z\") (le lastUpdated "
       "\"2015-01-01T00:00:00.000Z\"))");
    ok(UF, "status eq \"STAGED\" or status eq \"DEPROVISIONED\"",
       "(or (eq status \"STAGED\") (eq status \"DEPROVISIONED\"))");

    ok(US, "status eq \"STAGED\"", "(eq~ status \"STAGED\")");
    ok(US, "lastUpdated gt \"2014-01-01T00:00:00.000Z\"",
       "(gt lastUpdated \"2014-01-01T00:00:00.000Z\")");
    ok(US, "id eq \"00u1ero7vZFVEIYLWPBN\"", "(eq~ id \"00u1ero7vZFVEIYLWPBN\")");
    ok(US,
       "profile.department eq \"Engineering\" and (created lt \"2014-01-01T00:00:00.000Z\" or "
       "status eq \"ACTIVE\")",
       "(and (eq~ profile.department \"Engineering\") (or (lt created "
       "\"2014-01-01T00:00:00.000Z\") (eq~ status \"ACTIVE\")))");
    ok(US, "profile.arrayAttr eq \"arrayAttrVal1\"", "(eq~ profile.arrayAttr \"arrayAttrVal1\")");
    /* the documented `ne` workaround (okta.md §5.1, spec listUsers) */
    ok(US, "(status lt \"STAGED\" or status gt \"STAGED\")",
       "(or (lt~ status \"STAGED\") (gt~ status \"STAGED\"))");
    ok(US, "type.id eq \"oty1\"", "(eq~ type.id \"oty1\")");
    ok(US, "activated ge \"2014-01-01T00:00:00Z\" and statusChanged le \"2014-01-01T00:00:00Z\"",
       "(and (ge activated \"2014-01-01T00:00:00Z\") (le statusChanged "
       "\"2014-01-01T00:00:00Z\"))");
    ok(US, "profile.firstName co \"sa\"", "(co~ profile.firstName \"sa\")");
    ok(US, "profile.lastName co \"ro\"", "(co~ profile.lastName \"ro\")");
    ok(US, "profile.email co \"@example\"", "(co~ profile.email \"@example\")");
    ok(US, "profile.login co \"brock\"", "(co~ profile.login \"brock\")");
    ok(US, "profile.login sw \"isaac\"", "(sw~ profile.login \"isaac\")");
    ok(US, "profile.nickName pr", "(pr profile.nickName)");
}

/* ---- grammar ---- */

static void test_precedence(void **state)
{
    (void)state;
    ok(GS, "profile.a eq \"1\" or profile.b eq \"2\" and profile.c eq \"3\"",
       "(or (eq~ profile.a \"1\") (and (eq~ profile.b \"2\") (eq~ profile.c \"3\")))");
    ok(GS, "profile.a eq \"1\" and profile.b eq \"2\" or profile.c eq \"3\"",
       "(or (and (eq~ profile.a \"1\") (eq~ profile.b \"2\")) (eq~ profile.c \"3\"))");
    ok(GF, "id eq \"1\" or id eq \"2\" and type eq \"BUILT_IN\" or id eq \"4\"",
       "(or (or (eq id \"1\") (and (eq id \"2\") (eq type \"BUILT_IN\"))) (eq id \"4\"))");
}

static void test_parentheses(void **state)
{
    (void)state;
    ok(GF, "(id eq \"1\")", "(eq id \"1\")");
    ok(GF, "((( id eq \"1\" )))", "(eq id \"1\")");
    ok(GF, "(id eq \"1\" or id eq \"2\") and type eq \"BUILT_IN\"",
       "(and (or (eq id \"1\") (eq id \"2\")) (eq type \"BUILT_IN\"))");
    ok(GF, "id eq \"1\" or (id eq \"2\" and type eq \"BUILT_IN\")",
       "(or (eq id \"1\") (and (eq id \"2\") (eq type \"BUILT_IN\")))");
    ok(GF, "(\tid eq \"1\"\t)", "(eq id \"1\")");
    /* a parenthesised string literal is still just a string */
    ok(GF, "id eq \"(\" and id eq \")\"", "(and (eq id \"(\") (eq id \")\"))");
}

static void test_and_or_chains(void **state)
{
    (void)state;
    ok(GF, "id eq \"1\" or id eq \"2\" or id eq \"3\"",
       "(or (or (eq id \"1\") (eq id \"2\")) (eq id \"3\"))");
    ok(GF, "id eq \"1\" or id eq \"2\" or id eq \"3\" or id eq \"4\"",
       "(or (or (eq id \"1\") (eq id \"2\")) (or (eq id \"3\") (eq id \"4\")))");
    ok(GF, "id eq \"1\" and id eq \"2\" and id eq \"3\" or id eq \"4\"",
       "(or (and (and (eq id \"1\") (eq id \"2\")) (eq id \"3\")) (eq id \"4\"))");
}

static int tree_depth(const struct expr *e)
{
    if (!e)
        return 0;
    int l = tree_depth(e->left), r = tree_depth(e->right);
    return 1 + (l > r ? l : r);
}

static size_t count_cmp(const struct expr *e)
{
    if (!e)
        return 0;
    return (e->kind == EXPR_CMP) + count_cmp(e->left) + count_cmp(e->right);
}

static void test_long_chain_is_balanced(void **state)
{
    (void)state;
    static char buf[40000];
    size_t n = 0;
    for (int i = 0; i < 1000; i++)
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%sid eq \"%d\"", i ? " or " : "", i);
    struct expr *e;
    struct okta_expr_error err;
    assert_int_equal(parse_n(GF, buf, n, sizeof(buf), &e, &err), 0);
    assert_int_equal(e->kind, EXPR_OR);
    assert_int_equal(count_cmp(e), 1000);
    assert_true(tree_depth(e) <= 11); /* ceil(log2(1000)) + 1 */
    /* the order of the terms is kept: leftmost leaf is "0", rightmost "999" */
    const struct expr *l = e, *r = e;
    while (l->kind != EXPR_CMP)
        l = l->left;
    while (r->kind != EXPR_CMP)
        r = r->right;
    assert_string_equal(l->str.p, "0");
    assert_string_equal(r->str.p, "999");
}

static void test_not(void **state)
{
    (void)state;
    ok(GF, "not id eq \"1\"", "(not (eq id \"1\"))");
    ok(GF, "not (id eq \"1\" or id eq \"2\")", "(not (or (eq id \"1\") (eq id \"2\")))");
    /* not binds tighter than and */
    ok(GF, "not id eq \"1\" and id eq \"2\"", "(and (not (eq id \"1\")) (eq id \"2\"))");
    ok(GF, "id eq \"2\" or not type eq \"BUILT_IN\"",
       "(or (eq id \"2\") (not (eq type \"BUILT_IN\")))");
    ok(GS, "NOT profile.name pr", "(not (pr profile.name))");
    ok(US, "not (status eq \"ACTIVE\")", "(not (eq~ status \"ACTIVE\"))");
    /* users filter: `not` is unsupported (okta.md §5.7) */
    bad(UF, "not status eq \"ACTIVE\"", E_UNSUPPORTED);
    bad(UF, "status eq \"ACTIVE\" and not (id eq \"1\")", E_UNSUPPORTED);
    /* the grammar has one optional `not` per primary, and it needs whitespace after it */
    bad(GF, "not not id eq \"1\"", E_SYNTAX);
    ok(GF, "not (not id eq \"1\")", "(not (not (eq id \"1\")))");
    bad(GF, "not(id eq \"1\")", E_SYNTAX);
    bad(GF, "not", E_SYNTAX);
    bad(GF, "not ", E_SYNTAX);
    /* an attribute that merely starts with "not" is an attribute */
    ok(GS, "profile.notes eq \"x\"", "(eq~ profile.notes \"x\")");
}

static void test_pr(void **state)
{
    (void)state;
    ok(GS, "profile.description pr and profile.name pr",
       "(and (pr profile.description) (pr profile.name))");
    ok(GS, "(profile.description pr)", "(pr profile.description)");
    ok(GS, "source.id PR", "(pr source.id)");
    ok(US, "activated pr", "(pr activated)");
    /* pr takes no value */
    bad(GS, "profile.description pr \"x\"", E_SYNTAX);
    bad(GS, "profile.description prx", E_SYNTAX);
    /* filters allow only eq (and date comparisons) */
    bad(GF, "id pr", E_UNSUPPORTED);
    bad(UF, "profile.login pr", E_UNSUPPORTED);
}

static void test_operator_case_insensitive(void **state)
{
    (void)state;
    ok(GF, "id EQ \"1\" AND type Eq \"OKTA_GROUP\" oR id eQ \"2\"",
       "(or (and (eq id \"1\") (eq type \"OKTA_GROUP\")) (eq id \"2\"))");
    ok(GS, "profile.name SW \"a\" Or profile.name Co \"b\"",
       "(or (sw~ profile.name \"a\") (co~ profile.name \"b\"))");
    ok(UF, "lastUpdated GT \"2014-01-01T00:00:00Z\" and lastUpdated Le \"2015-01-01T00:00:00Z\"",
       "(and (gt lastUpdated \"2014-01-01T00:00:00Z\") (le lastUpdated "
       "\"2015-01-01T00:00:00Z\"))");
    ok(GF, "Not id eq \"1\"", "(not (eq id \"1\"))");
}

static void test_attribute_case_sensitive(void **state)
{
    (void)state;
    bad(GF, "Type eq \"OKTA_GROUP\"", E_UNSUPPORTED);
    bad(GF, "ID eq \"1\"", E_UNSUPPORTED);
    bad(GF, "lastupdated gt \"2015-11-11T00:00:00.000Z\"", E_UNSUPPORTED);
    bad(GS, "Profile.name eq \"x\"", E_UNSUPPORTED);
    bad(UF, "profile.Login eq \"x\"", E_UNSUPPORTED);
    bad(UF, "Status eq \"ACTIVE\"", E_UNSUPPORTED);
    bad(US, "Created gt \"2015-11-11T00:00:00.000Z\"", E_UNSUPPORTED);
    /* values are kept as written (case folding is the store's business) */
    ok(GS, "profile.name eq \"MiXeD\"", "(eq~ profile.name \"MiXeD\")");
    /* filter: type values are case-sensitive */
    bad(GF, "type eq \"okta_group\"", E_SYNTAX);
}

static void test_whitespace(void **state)
{
    (void)state;
    ok(GF, "id   eq \t \"1\"   and\t\ttype eq \"BUILT_IN\"",
       "(and (eq id \"1\") (eq type \"BUILT_IN\"))");
    ok(GF, "  id eq \"1\"  ", "(eq id \"1\")");
    bad(GF, "id eq\"1\"", E_SYNTAX);
    bad(GF, "ideq \"1\"", E_SYNTAX);
    bad(GF, "id eq \"1\"and id eq \"2\"", E_SYNTAX);
    bad(GF, "id eq \"1\" andid eq \"2\"", E_SYNTAX);
    bad(GF, "(id eq \"1\")and(id eq \"2\")", E_SYNTAX);
    bad(GF, "id\neq \"1\"", E_SYNTAX);
    bad(GF, "id eq \"1\"\r\n", E_SYNTAX);
    bad(GF, "id\veq \"1\"", E_SYNTAX);
}

/* ---- literals ---- */

static void test_string_escapes(void **state)
{
    (void)state;
    ok(GS, "profile.name eq \"a\\\"b\"", "(eq~ profile.name \"a\"b\")");
    ok(GS, "profile.name eq \"a\\\\b\\/c\"", "(eq~ profile.name \"a\\b/c\")");
    ok(GS, "profile.name eq \"\\u00e9\\u20AC\"", "(eq~ profile.name \"\xc3\xa9\xe2\x82\xac\")");
    ok(GS, "profile.name eq \"\\ud83d\\ude00\"", "(eq~ profile.name \"\xf0\x9f\x98\x80\")");
    ok(GS, "profile.name eq \"\\u0041\\u007f\\u0080\\u07ff\\u0800\\uffff\"",
       "(eq~ profile.name \"A\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\")");
    ok(GS, "profile.name eq \"caf\xc3\xa9 \xf0\x9f\x98\x80\"",
       "(eq~ profile.name \"caf\xc3\xa9 \xf0\x9f\x98\x80\")");
    ok(GS, "profile.name eq \"\"", "(eq~ profile.name \"\")");

    struct expr *e;
    struct okta_expr_error err;
    const char *t = "profile.name eq \"\\b\\f\\n\\r\\t\"";
    assert_int_equal(parse_n(GS, t, strlen(t), 0, &e, &err), 0);
    assert_int_equal(e->str.n, 5);
    assert_memory_equal(e->str.p, "\b\f\n\r\t", 6);

    bad(GS, "profile.name eq \"\\x\"", E_SYNTAX);
    bad(GS, "profile.name eq \"\\'\"", E_SYNTAX);
    bad(GS, "profile.name eq \"\\u12G4\"", E_SYNTAX);
    bad(GS, "profile.name eq \"\\u12\"", E_SYNTAX);
    bad(GS, "profile.name eq \"\\ud800\"", E_SYNTAX);
    bad(GS, "profile.name eq \"\\udc00\"", E_SYNTAX);
    bad(GS, "profile.name eq \"\\ud800\\u0041\"", E_SYNTAX);
    bad(GS, "profile.name eq \"\\ud800\\ud800\"", E_SYNTAX);
    bad(GS, "profile.name eq \"\\u0000\"", E_SYNTAX);
    bad(GS, "profile.name eq \"\\\"", E_SYNTAX);
    bad(GS, "profile.name eq \"tab\there\"", E_SYNTAX);        /* raw control character */
    bad(GS, "profile.name eq \"\xc0\x80\"", E_SYNTAX);         /* overlong */
    bad(GS, "profile.name eq \"\xed\xa0\x80\"", E_SYNTAX);     /* encoded surrogate */
    bad(GS, "profile.name eq \"\xff\"", E_SYNTAX);             /* never valid */
    bad(GS, "profile.name eq \"\xe2\x82\"", E_SYNTAX);         /* truncated */
    bad(GS, "profile.name eq \"\xf4\x90\x80\x80\"", E_SYNTAX); /* > U+10FFFF */
    bad_n(GS, "profile.name eq \"a\0b\"", 21, E_SYNTAX);       /* raw NUL */
}

static void test_other_literals(void **state)
{
    (void)state;
    ok(GS, "profile.age eq 42", "(eq profile.age 42)");
    ok(GS, "profile.age gt -1.5e3", "(gt profile.age -1500)");
    ok(GS, "profile.ratio eq 0.25", "(eq profile.ratio 0.25)");
    ok(GS, "profile.ok eq true and profile.ko eq false",
       "(and (eq profile.ok true) (eq profile.ko false))");
    ok(US, "profile.employeeNumber eq 7", "(eq profile.employeeNumber 7)");
    ok(GS, "(profile.age eq 0)", "(eq profile.age 0)");
    /* JSON number grammar */
    bad(GS, "profile.age eq 01", E_SYNTAX);
    bad(GS, "profile.age eq 1.", E_SYNTAX);
    bad(GS, "profile.age eq .5", E_SYNTAX);
    bad(GS, "profile.age eq -", E_SYNTAX);
    bad(GS, "profile.age eq 1e", E_SYNTAX);
    bad(GS, "profile.age eq +1", E_SYNTAX);
    bad(GS, "profile.age eq 1e999", E_SYNTAX);
    bad(GS, "profile.age eq 0x10", E_SYNTAX);
    /* JSON keywords are case-sensitive */
    bad(GS, "profile.ok eq TRUE", E_SYNTAX);
    bad(GS, "profile.ok eq truex", E_SYNTAX);
    bad(GS, "profile.ok eq nil", E_SYNTAX);
    bad(GS, "profile.ok eq 'x'", E_SYNTAX);
    /* null parses but no context supports it */
    for (size_t i = 0; i < 4; i++)
        bad(all_ctx[i], "id eq null", E_SYNTAX);
    bad(GS, "profile.x eq null", E_SYNTAX);
    /* non-strings where a string is needed */
    bad(GF, "id eq 5", E_SYNTAX);
    bad(GF, "type eq true", E_SYNTAX);
    bad(UF, "profile.login eq 5", E_SYNTAX);
    bad(US, "status eq 1", E_SYNTAX);
    bad(GS, "profile.name sw 5", E_SYNTAX);
    bad(GS, "profile.name co true", E_SYNTAX);
}

static void test_nocase(void **state)
{
    (void)state;
    struct expr *e;
    struct okta_expr_error err;
    const char *t = "id eq \"x\"";
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(parse_n(all_ctx[i], t, strlen(t), 0, &e, &err), 0);
        assert_int_equal(e->nocase, all_ctx[i] == GS || all_ctx[i] == US);
    }
    /* dates and non-strings are never nocase */
    ok(GS, "created eq \"2014-01-01T00:00:00Z\"", "(eq created \"2014-01-01T00:00:00Z\")");
    ok(US, "profile.n eq 1", "(eq profile.n 1)");
    ok(UF, "profile.email eq \"A@B.C\"", "(eq profile.email \"A@B.C\")");
}

/* ---- attributes and operators per context ---- */

static void test_groups_filter_rules(void **state)
{
    (void)state;
    const char *bad_attrs[] = {
        "profile.name", "profile.description", "created",     "source.id", "status",
        "name",         "_links.self",         "objectClass", "type.id"};
    char t[128];
    for (size_t i = 0; i < sizeof(bad_attrs) / sizeof(*bad_attrs); i++) {
        snprintf(t, sizeof(t), "%s eq \"x\"", bad_attrs[i]);
        bad(GF, t, E_UNSUPPORTED);
    }
    bad(GF, "id sw \"00g\"", E_UNSUPPORTED);
    bad(GF, "id co \"00g\"", E_UNSUPPORTED);
    bad(GF, "id gt \"00g\"", E_UNSUPPORTED);
    bad(GF, "type sw \"OKTA\"", E_UNSUPPORTED);
    bad(GF, "type lt \"OKTA_GROUP\"", E_UNSUPPORTED);
    bad(GF, "lastUpdated sw \"2015\"", E_UNSUPPORTED);
    bad(GF, "lastMembershipUpdated co \"2015\"", E_UNSUPPORTED);
    bad(GF, "type eq \"FOO\"", E_SYNTAX);
    bad(GF, "type eq \"\"", E_SYNTAX);
}

static void test_groups_search_rules(void **state)
{
    (void)state;
    const char *bad_attrs[] = {"_embedded.stats", "_links.self", "objectClass", "status",
                               "activated",       "type.id",     "profile",     "profile.a.b",
                               "source",          "source.name", "name"};
    char t[128];
    for (size_t i = 0; i < sizeof(bad_attrs) / sizeof(*bad_attrs); i++) {
        snprintf(t, sizeof(t), "%s eq \"x\"", bad_attrs[i]);
        bad(GS, t, E_UNSUPPORTED);
    }
    /* co only on profile.name and profile.description */
    bad(GS, "profile.samAccountName co \"x\"", E_UNSUPPORTED);
    bad(GS, "id co \"00g\"", E_UNSUPPORTED);
    bad(GS, "type co \"GROUP\"", E_UNSUPPORTED);
    bad(GS, "source.id co \"0oa\"", E_UNSUPPORTED);
    /* dates compare, they do not match text */
    bad(GS, "created sw \"2014\"", E_UNSUPPORTED);
    bad(GS, "lastUpdated co \"2014\"", E_UNSUPPORTED);
    ok(GS, "id sw \"00g\"", "(sw~ id \"00g\")");
    ok(GS, "type eq \"whatever\"", "(eq~ type \"whatever\")"); /* search: no enum check */
}

static void test_users_filter_rules(void **state)
{
    (void)state;
    const char *bad_attrs[] = {"created",
                               "activated",
                               "statusChanged",
                               "type.id",
                               "profile.department",
                               "profile.mobilePhone",
                               "lastMembershipUpdated",
                               "type",
                               "login"};
    char t[128];
    for (size_t i = 0; i < sizeof(bad_attrs) / sizeof(*bad_attrs); i++) {
        snprintf(t, sizeof(t), "%s eq \"x\"", bad_attrs[i]);
        bad(UF, t, E_UNSUPPORTED);
    }
    const char *eq_only[] = {
        "status", "id", "profile.login", "profile.email", "profile.firstName", "profile.lastName"};
    const char *ops[] = {"sw", "co", "gt", "ge", "lt", "le", "ew"};
    for (size_t i = 0; i < sizeof(eq_only) / sizeof(*eq_only); i++) {
        snprintf(t, sizeof(t), "%s eq \"x\"", eq_only[i]);
        struct expr *e;
        struct okta_expr_error err;
        assert_int_equal(parse_n(UF, t, strlen(t), 0, &e, &err), 0);
        for (size_t j = 0; j < sizeof(ops) / sizeof(*ops); j++) {
            snprintf(t, sizeof(t), "%s %s \"x\"", eq_only[i], ops[j]);
            bad(UF, t, E_UNSUPPORTED);
        }
    }
    bad(UF, "lastUpdated sw \"2014\"", E_UNSUPPORTED);
    bad(UF, "lastUpdated co \"2014\"", E_UNSUPPORTED);
}

static void test_users_search_rules(void **state)
{
    (void)state;
    const char *bad_attrs[] = {"lastMembershipUpdated", "source.id",   "type", "_links.self",
                               "credentials.password",  "profile.a.b", "login"};
    char t[128];
    for (size_t i = 0; i < sizeof(bad_attrs) / sizeof(*bad_attrs); i++) {
        snprintf(t, sizeof(t), "%s eq \"x\"", bad_attrs[i]);
        bad(US, t, E_UNSUPPORTED);
    }
    /* co only on firstName, lastName, email, login */
    bad(US, "profile.department co \"x\"", E_UNSUPPORTED);
    bad(US, "profile.name co \"x\"", E_UNSUPPORTED);
    bad(US, "id co \"00u\"", E_UNSUPPORTED);
    bad(US, "status co \"ACT\"", E_UNSUPPORTED);
    bad(US, "type.id co \"oty\"", E_UNSUPPORTED);
    bad(US, "created sw \"2014\"", E_UNSUPPORTED);
    ok(US, "status sw \"ACT\"", "(sw~ status \"ACT\")");
}

/* Apps filter (listApplications): id, status, name, credentials.signing.kid and
 * settings.slo.enabled, eq only, and/or, values case-sensitive. */
static void test_apps_filter_rules(void **state)
{
    (void)state;
    ok(AF, "status eq \"INACTIVE\"", "(eq status \"INACTIVE\")");
    ok(AF, "status eq \"ACTIVE\" and name eq \"bookmark\"",
       "(and (eq status \"ACTIVE\") (eq name \"bookmark\"))");
    ok(AF, "id eq \"0oa1\" or id eq \"0oa2\"", "(or (eq id \"0oa1\") (eq id \"0oa2\"))");
    ok(AF, "credentials.signing.kid eq \"k-1\"", "(eq credentials.signing.kid \"k-1\")");
    ok(AF, "settings.slo.enabled eq true", "(eq settings.slo.enabled true)");
    ok(AF, "status eq \"DELETED\"", "(eq status \"DELETED\")");
    bad(AF, "status eq \"active\"", E_SYNTAX); /* filter values are case-sensitive */
    bad(AF, "status eq \"GONE\"", E_SYNTAX);
    bad(AF, "settings.slo.enabled eq \"true\"", E_SYNTAX);
    bad(AF, "name eq 3", E_SYNTAX);
    const char *bad_attrs[] = {"label",     "signOnMode", "user.id",     "group.id",
                               "profile.x", "created",    "lastUpdated", "settings.app.url"};
    char t[128];
    for (size_t i = 0; i < sizeof(bad_attrs) / sizeof(*bad_attrs); i++) {
        snprintf(t, sizeof(t), "%s eq \"x\"", bad_attrs[i]);
        bad(AF, t, E_UNSUPPORTED);
    }
    const char *ops[] = {"sw", "co", "gt", "ge", "lt", "le", "ne", "ew"};
    for (size_t j = 0; j < sizeof(ops) / sizeof(*ops); j++) {
        snprintf(t, sizeof(t), "name %s \"x\"", ops[j]);
        bad(AF, t, E_UNSUPPORTED);
    }
    bad(AF, "name pr", E_UNSUPPORTED);
    bad(AF, "not (status eq \"ACTIVE\")", E_UNSUPPORTED);
    bad(AF, "status eq", E_SYNTAX);
}

/* sortBy: the attributes a search of the context accepts, written as the grammar reads a
 * path; never in a filter context. */
static void test_sortable(void **state)
{
    (void)state;
    const char *groups_yes[] = {"id",          "type",           "created",
                                "lastUpdated", "profile.name",   "profile.description",
                                "source.id",   "profile.region", "profile._x9"};
    const char *users_yes[] = {
        "id",          "status",  "created",       "activated",        "statusChanged",
        "lastUpdated", "type.id", "profile.login", "profile.lastName", "profile.costCenter"};
    const char *no[] = {"",        "nosuch",      "profile.",      "profile.a.b",   "profile.a-b",
                        "_links",  "objectClass", "profile.9a",    " profile.name", "profile.name ",
                        "profile", ".id",         "profile..name", "lastLogin",     "credentials"};
    for (size_t i = 0; i < sizeof(groups_yes) / sizeof(*groups_yes); i++) {
        if (!okta_expr_sortable(GS, slice_from_cstr(groups_yes[i])))
            fail_msg("groups: %s refused", groups_yes[i]);
        assert_false(okta_expr_sortable(GF, slice_from_cstr(groups_yes[i])));
    }
    for (size_t i = 0; i < sizeof(users_yes) / sizeof(*users_yes); i++) {
        if (!okta_expr_sortable(US, slice_from_cstr(users_yes[i])))
            fail_msg("users: %s refused", users_yes[i]);
        assert_false(okta_expr_sortable(UF, slice_from_cstr(users_yes[i])));
    }
    for (size_t i = 0; i < sizeof(no) / sizeof(*no); i++)
        for (size_t c = 0; c < 4; c++)
            if (okta_expr_sortable(all_ctx[c], slice_from_cstr(no[i])))
                fail_msg("ctx %d: '%s' accepted", (int)all_ctx[c], no[i]);
    assert_false(okta_expr_sortable(US, SLICE_LIT("lastMembershipUpdated")));
    assert_true(okta_expr_sortable(GS, SLICE_LIT("lastMembershipUpdated")));
    assert_false(okta_expr_sortable(AF, SLICE_LIT("name")));
    assert_false(okta_expr_sortable(US, SLICE_NULL));
}

static void test_ne_and_ew_unsupported(void **state)
{
    (void)state;
    for (size_t i = 0; i < 4; i++) {
        bad(all_ctx[i], "id ne \"1\"", E_UNSUPPORTED);
        bad(all_ctx[i], "id NE \"1\"", E_UNSUPPORTED);
        bad(all_ctx[i], "id ew \"1\"", E_UNSUPPORTED);
        bad(all_ctx[i], "lastUpdated ne \"2015-11-11T00:00:00.000Z\"", E_UNSUPPORTED);
    }
    bad(GS, "profile.name ne \"x\"", E_UNSUPPORTED);
    bad(US, "profile.login ne \"x\"", E_UNSUPPORTED);
}

static void test_dates(void **state)
{
    (void)state;
    for (size_t i = 0; i < 4; i++) {
        bad(all_ctx[i], "lastUpdated gt \"yesterday\"", E_DATE);
        bad(all_ctx[i], "lastUpdated gt \"2015-11-11\"", E_DATE);
        bad(all_ctx[i], "lastUpdated eq \"2015-02-30T00:00:00.000Z\"", E_DATE);
        bad(all_ctx[i], "lastUpdated gt 1447200000000", E_DATE);
        bad(all_ctx[i], "lastUpdated gt true", E_DATE);
        bad(all_ctx[i], "lastUpdated gt \"\"", E_DATE);
    }
    bad(GS, "created lt \"2014-01-01T00:00:00.000\"", E_DATE); /* no zone */
    bad(US, "activated lt \"2014-13-01T00:00:00.000Z\"", E_DATE);
    ok(GF, "lastUpdated gt \"2015-11-11T00:00:00+05:30\"",
       "(gt lastUpdated \"2015-11-11T00:00:00+05:30\")");
}

static void test_first_error_wins(void **state)
{
    (void)state;
    /* a syntax error anywhere beats an earlier validation error */
    bad(GF, "Type eq \"x\" and (", E_SYNTAX);
    bad(GF, "created eq \"x\" and id eq \"1\" garbage", E_SYNTAX);
    /* among validation errors, the first one */
    bad(GF, "created eq \"x\" and lastUpdated gt \"bad\"", E_UNSUPPORTED);
    bad(GF, "lastUpdated gt \"bad\" and created eq \"x\"", E_DATE);
    bad(UF, "lastUpdated gt \"bad\" and not id eq \"1\"", E_DATE);
}

/* ---- malformed input ---- */

static void test_syntax_errors(void **state)
{
    (void)state;
    const char *cases[] = {
        "",
        "   ",
        "\t",
        "id eq \"1",
        "id eq \"1\\\"",
        "id eq \"1\" x",
        "id eq \"1\"x",
        "id eq \"1\" )",
        "id eq \"1\")",
        "(id eq \"1\"",
        "((id eq \"1\")",
        "()",
        "( )",
        "id eq",
        "id eq ",
        "id",
        "id ",
        "id is \"1\"",
        "id == \"1\"",
        "id eqq \"1\"",
        "and id eq \"1\"",
        "id eq \"1\" and",
        "id eq \"1\" and ",
        "id eq \"1\" or or id eq \"2\"",
        "id eq \"1\" and or id eq \"2\"",
        "id eq \"1\" xor id eq \"2\"",
        ".id eq \"1\"",
        "id. eq \"1\"",
        "id..x eq \"1\"",
        "1id eq \"1\"",
        "profile.na-me eq \"1\"",
        "\"id\" eq \"1\"",
        "id eq \"1\" \"2\"",
        "id eq (\"1\")",
        "id eq \"1\" and (id eq \"2\"))",
        "\xff",
        "id eq \"1\" \xc3\xa9",
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(*cases); c++)
        for (size_t i = 0; i < 4; i++)
            bad(all_ctx[i], cases[c], E_SYNTAX);
    bad_n(GF, "id eq \"1\"\0", 10, E_SYNTAX);
    bad_n(GF, "\0id eq \"1\"", 10, E_SYNTAX);
    bad_n(GF, "", 0, E_SYNTAX);

    struct expr *e = (struct expr *)&e;
    struct okta_expr_error err;
    assert_int_equal(okta_expr_parse(&ar, SLICE_NULL, GF, 0, &e, &err), R_EINVAL);
    assert_null(e);
    assert_string_equal(err.code, E_SYNTAX);
}

static void nest(char *buf, size_t cap, int depth, const char *open, size_t *len)
{
    size_t n = 0, ol = strlen(open);
    for (int i = 0; i < depth; i++) {
        assert_true(n + ol < cap);
        memcpy(buf + n, open, ol);
        n += ol;
    }
    const char *mid = "id eq \"1\"";
    memcpy(buf + n, mid, strlen(mid));
    n += strlen(mid);
    if (open[0] == '(' || open[strlen(open) - 1] == '(')
        for (int i = 0; i < depth; i++)
            buf[n++] = ')';
    *len = n;
}

static void test_depth_limit(void **state)
{
    (void)state;
    static char buf[4096];
    size_t n;
    struct expr *e;
    struct okta_expr_error err;
    nest(buf, sizeof(buf), OKTA_EXPR_MAX_DEPTH, "(", &n);
    assert_int_equal(parse_n(GF, buf, n, 0, &e, &err), 0);
    assert_int_equal(e->kind, EXPR_CMP);
    nest(buf, sizeof(buf), OKTA_EXPR_MAX_DEPTH + 1, "(", &n);
    bad_n(GF, buf, n, E_SYNTAX);
    nest(buf, sizeof(buf), 100, "(", &n);
    bad_n(GF, buf, n, E_SYNTAX);
    nest(buf, sizeof(buf), 100, "not (", &n);
    bad_n(GS, buf, n, E_SYNTAX);
    /* not and parentheses count together */
    nest(buf, sizeof(buf), OKTA_EXPR_MAX_DEPTH / 2, "not (", &n);
    assert_int_equal(parse_n(GS, buf, n, 0, &e, &err), 0);
    assert_int_equal(tree_depth(e), OKTA_EXPR_MAX_DEPTH / 2 + 1);
    nest(buf, sizeof(buf), OKTA_EXPR_MAX_DEPTH / 2 + 1, "not (", &n);
    bad_n(GS, buf, n, E_SYNTAX);
    /* unbalanced deep nesting */
    memset(buf, '(', 3000);
    bad_n(GF, buf, 3000, E_SYNTAX);
    memset(buf, ')', 3000);
    bad_n(GF, buf, 3000, E_SYNTAX);
    /* depth is restored after each group: many siblings at depth 1 are fine */
    n = 0;
    for (int i = 0; i < 50; i++)
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s(id eq \"%d\")", i ? " or " : "", i);
    assert_int_equal(parse_n(GF, buf, n, 0, &e, &err), 0);
    assert_int_equal(count_cmp(e), 50);
}

static void test_max_len(void **state)
{
    (void)state;
    const char *t = "id eq \"12345\""; /* 13 bytes */
    struct expr *e;
    struct okta_expr_error err;
    assert_int_equal(parse_n(GF, t, 13, 13, &e, &err), 0);
    assert_int_equal(parse_n(GF, t, 13, 12, &e, &err), R_EINVAL);
    assert_null(e);
    assert_string_equal(err.code, E_SYNTAX);
    assert_int_equal(err.status, 400);
    assert_non_null(strstr(err.detail, "12"));
    /* max_len 0 means the default */
    static char big[OKTA_EXPR_DEFAULT_MAX_LEN + 2];
    memset(big, ' ', sizeof(big));
    memcpy(big, t, 13);
    assert_int_equal(parse_n(GF, big, OKTA_EXPR_DEFAULT_MAX_LEN, 0, &e, &err), 0);
    bad_n(GF, big, OKTA_EXPR_DEFAULT_MAX_LEN + 1, E_SYNTAX);
}

static void test_arena_exhaustion(void **state)
{
    (void)state;
    struct arena small;
    const char *t = "id eq \"1\" or id eq \"2\" or id eq \"3\" or id eq \"4\" or id eq \"5\"";
    int oom = 0, okc = 0;
    for (size_t max = 16; max < 4096; max += 16) {
        arena_init(&small, max);
        struct expr *e = (struct expr *)&e;
        struct okta_expr_error err;
        int rc = okta_expr_parse(&small, slice_from_cstr(t), GF, 0, &e, &err);
        if (rc == 0) {
            okc++;
            assert_int_equal(count_cmp(e), 5);
        } else {
            oom++;
            assert_int_equal(rc, R_ENOMEM);
            assert_null(e);
            assert_string_equal(err.code, "E0000009");
            assert_int_equal(err.status, 500);
        }
        arena_free(&small);
    }
    assert_true(oom > 0);
    assert_true(okc > 0);
}

static void test_bad_context(void **state)
{
    (void)state;
    struct expr *e = (struct expr *)&e;
    struct okta_expr_error err;
    assert_int_equal(
        okta_expr_parse(&ar, SLICE_LIT("id eq \"1\""), (enum okta_expr_ctx)0, 0, &e, &err),
        R_EINVAL);
    assert_null(e);
    assert_non_null(err.code);
}

/* ---- helpers ---- */

static void test_is_date_attr(void **state)
{
    (void)state;
    const char *yes[] = {"created", "activated", "statusChanged", "lastUpdated",
                         "lastMembershipUpdated"};
    const char *no[] = {"id",         "type",         "status",          "LastUpdated",
                        "lastUpdate", "lastUpdatedX", "profile.created", ""};
    for (size_t i = 0; i < sizeof(yes) / sizeof(*yes); i++)
        assert_true(okta_expr_is_date_attr(slice_from_cstr(yes[i])));
    for (size_t i = 0; i < sizeof(no) / sizeof(*no); i++)
        assert_false(okta_expr_is_date_attr(slice_from_cstr(no[i])));
}

static void time_ok(const char *s, int64_t want)
{
    int64_t got = 42;
    if (okta_parse_time(slice_from_cstr(s), &got) != 0)
        fail_msg("%s: rejected", s);
    if (got != want)
        fail_msg("%s: got %lld want %lld", s, (long long)got, (long long)want);
}

static void test_parse_time(void **state)
{
    (void)state;
    time_ok("1970-01-01T00:00:00.000Z", 0);
    time_ok("1970-01-01T00:00:00Z", 0);
    time_ok("2015-11-11T00:00:00.000Z", 1447200000000LL);
    time_ok("2015-11-11T00:00:00Z", 1447200000000LL);
    time_ok("2013-01-01T12:00:00.000-07:00", 1357066800000LL);
    time_ok("2013-01-01T12:00:00.000-0700", 1357066800000LL);
    time_ok("2015-06-01T00:00:00+05:30", 1433097000000LL);
    time_ok("2015-06-01T00:00:00+00:00", 1433116800000LL);
    time_ok("2015-06-01T00:00:00-00:00", 1433116800000LL);
    time_ok("2015-11-11T00:00:00.5Z", 1447200000500LL);
    time_ok("2015-11-11T00:00:00.12Z", 1447200000120LL);
    time_ok("2015-11-11T00:00:00.123456789Z", 1447200000123LL);
    time_ok("2016-02-29T12:00:00.000Z", 1456747200000LL);
    time_ok("2000-02-29T00:00:00Z", 951782400000LL);
    time_ok("1969-12-31T23:59:59.999Z", -1);
    time_ok("0001-01-01T00:00:00Z", -62135596800000LL);
    time_ok("9999-12-31T23:59:59Z", 253402300799000LL);
    time_ok("2014-01-01T00:00:00.000Z", 1388534400000LL);

    const char *bad_times[] = {
        "",
        "2015",
        "2015-11-11",
        "2015-11-11T00:00",
        "2015-11-11T00:00:00",
        "2015-11-11T00:00:00.000",
        "2015-11-11 00:00:00Z",
        "2015-11-11t00:00:00Z",
        "2015-11-11T00:00:00z",
        "2015-11-11T00:00:00.Z",
        "2015-11-11T00:00:00.1234567890Z",
        "2015-11-11T00:00:00ZZ",
        "2015-11-11T00:00:00Z ",
        " 2015-11-11T00:00:00Z",
        "2015-11-11T24:00:00Z",
        "2015-11-11T00:60:00Z",
        "2015-11-11T00:00:60Z",
        "2015-13-01T00:00:00Z",
        "2015-00-01T00:00:00Z",
        "2015-11-00T00:00:00Z",
        "2015-11-31T00:00:00Z",
        "2015-02-29T00:00:00Z",
        "1900-02-29T00:00:00Z",
        "2015-11-11T00:00:00+05",
        "2015-11-11T00:00:00+5:30",
        "2015-11-11T00:00:00+19:00",
        "2015-11-11T00:00:00+05:60",
        "2015-11-11T00:00:00+05:30:00",
        "15-11-11T00:00:00Z",
        "2015-1-11T00:00:00Z",
        "+2015-11-11T00:00:00Z",
        "2015/11/11T00:00:00Z",
        "2015-11-11T00:00:00.-1Z",
        "yesterday",
    };
    for (size_t i = 0; i < sizeof(bad_times) / sizeof(*bad_times); i++) {
        int64_t v = 7;
        if (okta_parse_time(slice_from_cstr(bad_times[i]), &v) != R_EINVAL)
            fail_msg("%s: accepted", bad_times[i]);
        assert_int_equal(v, 7); /* untouched on failure */
    }
    int64_t v;
    assert_int_equal(okta_parse_time(SLICE_NULL, &v), R_EINVAL);
    /* a NUL inside the slice is not the end */
    assert_int_equal(okta_parse_time((struct slice){"2015-11-11T00:00:00Z\0", 21}, &v), R_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_groups_filter_documented, setup, teardown),
        cmocka_unit_test_setup_teardown(test_groups_search_documented, setup, teardown),
        cmocka_unit_test_setup_teardown(test_users_documented, setup, teardown),
        cmocka_unit_test_setup_teardown(test_precedence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parentheses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_and_or_chains, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_chain_is_balanced, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pr, setup, teardown),
        cmocka_unit_test_setup_teardown(test_operator_case_insensitive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_attribute_case_sensitive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_whitespace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_string_escapes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_literals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nocase, setup, teardown),
        cmocka_unit_test_setup_teardown(test_groups_filter_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_groups_search_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_users_filter_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_users_search_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ne_and_ew_unsupported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_first_error_wins, setup, teardown),
        cmocka_unit_test_setup_teardown(test_syntax_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_depth_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_max_len, setup, teardown),
        cmocka_unit_test_setup_teardown(test_arena_exhaustion, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_context, setup, teardown),
        cmocka_unit_test_setup_teardown(test_apps_filter_rules, setup, teardown),
        cmocka_unit_test(test_sortable),
        cmocka_unit_test(test_is_date_attr),
        cmocka_unit_test(test_parse_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
