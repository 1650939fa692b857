/* Build tool: merges api/openapi.yaml and the dialects' YAML parts into one JSON document, and
 * writes it both as a .json file and as a C array that the server embeds and serves at
 * GET /openapi.json. Usage: openapi-bundle OUT.json OUT.c ROOT.yaml [PART.yaml ...]
 * A part may hold only "paths" and "components"; a name defined twice is an error. */
#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static const char *cur_file = "";

static int fail(const yaml_node_t *n, const char *what)
{
    if (n)
        fprintf(stderr, "openapi-bundle: %s:%lu: %s\n", cur_file,
                (unsigned long)n->start_mark.line + 1, what);
    else
        fprintf(stderr, "openapi-bundle: %s: %s\n", cur_file, what);
    return -1;
}

static bool all_match(const char *s, const char *set)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!strchr(set, *s))
            return false;
    return true;
}

static bool is_yaml_int(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    return all_match(s, "0123456789");
}

/* YAML 1.2 core schema floats: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static bool is_yaml_float(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    const char *start = s;
    bool digits = false;
    while (*s >= '0' && *s <= '9')
        s++, digits = true;
    if (*s == '.') {
        s++;
        bool frac = false;
        while (*s >= '0' && *s <= '9')
            s++, frac = true;
        if (!digits && !frac)
            return false;
    } else if (!digits || s == start) {
        return false;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '-' || *s == '+')
            s++;
        if (!(*s >= '0' && *s <= '9'))
            return false;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return *s == 0;
}

/* A plain scalar resolved by the YAML 1.2 core schema; quoted and block scalars are strings. */
static json_t *scalar_to_json(const yaml_node_t *n)
{
    const char *s = (const char *)n->data.scalar.value;
    /* libyaml tags every untagged scalar !!str, so only the style tells a plain one */
    if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return json_stringn(s, n->data.scalar.length);
    if (!*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL"))
        return json_null();
    if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
        return json_true();
    if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
        return json_false();
    if (is_yaml_int(s)) {
        errno = 0;
        long long v = strtoll(s, NULL, 10);
        if (errno)
            return NULL;
        return json_integer(v);
    }
    if (is_yaml_float(s))
        return json_real(strtod(s, NULL));
    if (s[0] == '.' || (s[0] == '0' && (s[1] == 'x' || s[1] == 'o')))
        return NULL; /* .inf, .nan, hex and octal have no JSON form we want */
    return json_stringn(s, n->data.scalar.length);
}

static json_t *node_to_json(yaml_document_t *doc, yaml_node_t *n, int depth)
{
    if (!n || depth > 64) {
        fail(n, "document nests too deep");
        return NULL;
    }
    switch (n->type) {
    case YAML_SCALAR_NODE: {
        json_t *v = scalar_to_json(n);
        if (!v)
            fail(n, "a scalar with no JSON value (.inf, .nan, hex or octal number)");
        return v;
    }
    case YAML_SEQUENCE_NODE: {
        json_t *arr = json_array();
        for (yaml_node_item_t *i = n->data.sequence.items.start;
             arr && i < n->data.sequence.items.top; i++) {
            json_t *v = node_to_json(doc, yaml_document_get_node(doc, *i), depth + 1);
            if (!v || json_array_append_new(arr, v)) {
                json_decref(arr);
                return NULL;
            }
        }
        return arr;
    }
    case YAML_MAPPING_NODE: {
        json_t *obj = json_object();
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
             obj && p < n->data.mapping.pairs.top; p++) {
            yaml_node_t *k = yaml_document_get_node(doc, p->key);
            if (!k || k->type != YAML_SCALAR_NODE) {
                fail(n, "a mapping key that is not a scalar");
                json_decref(obj);
                return NULL;
            }
            const char *key = (const char *)k->data.scalar.value;
            if (json_object_get(obj, key)) {
                char msg[512];
                snprintf(msg, sizeof(msg), "duplicate key '%s'", key);
                fail(k, msg);
                json_decref(obj);
                return NULL;
            }
            json_t *v = node_to_json(doc, yaml_document_get_node(doc, p->value), depth + 1);
            if (!v || json_object_set_new(obj, key, v)) {
                json_decref(obj);
                return NULL;
            }
        }
        return obj;
    }
    default: fail(n, "an empty node"); return NULL;
    }
}

static json_t *load_yaml(const char *path)
{
    cur_file = path;
    FILE *f = fopen(path, "rb");
    if (!f) {
        fail(NULL, strerror(errno));
        return NULL;
    }
    yaml_parser_t parser;
    yaml_document_t doc;
    json_t *out = NULL;
    if (!yaml_parser_initialize(&parser)) {
        fclose(f);
        return NULL;
    }
    yaml_parser_set_input_file(&parser, f);
    if (!yaml_parser_load(&parser, &doc)) {
        fprintf(stderr, "openapi-bundle: %s:%lu: %s\n", path,
                (unsigned long)parser.problem_mark.line + 1,
                parser.problem ? parser.problem : "YAML error");
        goto out_parser;
    }
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root || root->type != YAML_MAPPING_NODE)
        fail(root, "the document is not a mapping");
    else
        out = node_to_json(&doc, root, 0);
    yaml_document_delete(&doc);
out_parser:
    yaml_parser_delete(&parser);
    fclose(f);
    return out;
}

/* Moves every member of src into dst; a name both define is an error. */
static int merge_names(json_t *dst, json_t *src, const char *where)
{
    const char *k;
    json_t *v;
    json_object_foreach(src, k, v)
    {
        if (json_object_get(dst, k)) {
            char msg[512];
            snprintf(msg, sizeof(msg), "%s '%s' is defined twice", where, k);
            return fail(NULL, msg);
        }
        json_object_set(dst, k, v);
    }
    return 0;
}

static int merge_part(json_t *root, json_t *part)
{
    const char *k;
    json_t *v;
    json_object_foreach(part, k, v)
    {
        if (!json_is_object(v))
            return fail(NULL, "top-level keys of a part must be mappings");
        if (strcmp(k, "paths") && strcmp(k, "components"))
            return fail(NULL, "a part may hold only 'paths' and 'components'");
        json_t *dst = json_object_get(root, k);
        if (!dst) {
            dst = json_object();
            json_object_set_new(root, k, dst);
        }
        if (!strcmp(k, "paths")) {
            if (merge_names(dst, v, "path"))
                return -1;
            continue;
        }
        const char *section;
        json_t *names;
        json_object_foreach(v, section, names)
        {
            json_t *d = json_object_get(dst, section);
            if (!d) {
                d = json_object();
                json_object_set_new(dst, section, d);
            }
            if (!json_is_object(names) || merge_names(d, names, section))
                return -1;
        }
    }
    return 0;
}

static int write_c(const char *path, const char *json, size_t n)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs("/* Generated by tools/openapi-bundle from the api/ folder: do not edit. */\n"
          "#include <stddef.h>\n\n"
          "#include \"api/openapi.h\"\n\n"
          "const unsigned char api_openapi_doc[] = {\n",
          f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s0x%02x,%s", i % 16 ? "" : "    ", (unsigned char)json[i],
                i % 16 == 15 ? "\n" : "");
    fprintf(f, "0x00};\nconst size_t api_openapi_doc_len = %zu;\n", n);
    return fclose(f) ? -1 : 0;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fputs("usage: openapi-bundle OUT.json OUT.c ROOT.yaml [PART.yaml ...]\n", stderr);
        return 2;
    }
    int rc = 1;
    char *text = NULL;
    json_t *root = load_yaml(argv[3]);
    if (!root)
        goto out;
    for (int i = 4; i < argc; i++) {
        json_t *part = load_yaml(argv[i]);
        int bad = !part || merge_part(root, part);
        json_decref(part);
        if (bad)
            goto out;
    }
    text = json_dumps(root, JSON_COMPACT);
    if (!text)
        goto out;
    size_t n = strlen(text);
    FILE *f = fopen(argv[1], "w");
    if (!f || fwrite(text, 1, n, f) != n || fclose(f)) {
        fprintf(stderr, "openapi-bundle: cannot write %s\n", argv[1]);
        goto out;
    }
    if (write_c(argv[2], text, n)) {
        fprintf(stderr, "openapi-bundle: cannot write %s\n", argv[2]);
        goto out;
    }
    rc = 0;
out:
    free(text);
    json_decref(root);
    return rc;
}
