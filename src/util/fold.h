/* Unicode case folding: the one key under which texts compare equal ignoring case. Every
 * store engine stores these keys beside the texts that case-insensitive searches compare and
 * folds the searched values the same way, so all engines answer alike. */
#ifndef ROSTER_FOLD_H
#define ROSTER_FOLD_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/slice.h"

/* Longest input folded, in bytes (well above any stored field or query value). */
#define FOLD_MAX 65536

/* True when s can be folded: valid UTF-8 (no surrogates, no overlongs) of at most FOLD_MAX
 * bytes. */
bool fold_valid(struct slice s);

/* Full Unicode case folding without language tailoring (CaseFolding.txt C+F: É→é, ß→ss,
 * ς→σ, İ→i̇), then NFC, so canonically equivalent texts get the same key and diacritics
 * still count. *out is malloc'd, NUL-terminated, *outn bytes (the caller frees it).
 * R_EINVAL when !fold_valid(s); R_ENOMEM. */
int fold_alloc(struct slice s, char **out, size_t *outn);

/* The same into the arena. */
int fold_arena(struct arena *a, struct slice s, struct slice *out);

#endif
