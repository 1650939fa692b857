# Roster build. `make` → build/roster; `make test` → every test; `make run` → demo server.
CC ?= cc
PKGS := libmicrohttpd jansson sqlite3 libsodium libpq
# libunistring (Unicode case folding, util/fold.c) ships no pkg-config file: linked by name
WARN := -std=c17 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wformat=2 -Wvla -Werror
OPT ?= -O2 -g
CFLAGS := $(OPT) $(WARN) -D_GNU_SOURCE -Isrc -pthread
BUILD ?= build

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lunistring

LIB_SRC := $(shell find src -name '*.c' ! -path 'src/cli/main.c' | sort)
# The OpenAPI document: api/openapi.yaml first, then the dialects' parts, bundled into C.
API_YAML := api/openapi.yaml $(sort $(filter-out api/openapi.yaml,$(wildcard api/*.yaml)))
GEN_OBJ := $(BUILD)/obj/gen/openapi.o
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(GEN_OBJ)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:fuzz/%.c=$(BUILD)/tests/replay_%)

.PHONY: all deps run test unit api check-banned sanitize clean format-check bench

all: $(BUILD)/roster

deps:
	@sh scripts/deps.sh

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/tools/openapi-bundle: tools/openapi-bundle.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(shell pkg-config --cflags yaml-0.1 jansson 2>/dev/null) -o $@ $< \
	  $(shell pkg-config --libs yaml-0.1 jansson 2>/dev/null)

$(BUILD)/gen/openapi.c: $(API_YAML) $(BUILD)/tools/openapi-bundle
	@mkdir -p $(dir $@)
	$(BUILD)/tools/openapi-bundle $(BUILD)/gen/openapi.json $@ $(API_YAML)

$(GEN_OBJ): $(BUILD)/gen/openapi.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libroster.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/roster: $(BUILD)/obj/src/cli/main.o $(BUILD)/libroster.a
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) -lm

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libroster.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Itests/unit -o $@ $^ $(PKG_LIBS) -lcmocka -lm

# Fuzz targets linked with a corpus replayer: the corpora run as ordinary tests.
$(BUILD)/tests/replay_%: fuzz/%.c fuzz/replay.c $(BUILD)/libroster.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -o $@ $^ $(PKG_LIBS) -lm

run: deps
	@$(MAKE) --no-print-directory all
	@sh scripts/run-demo.sh

check-banned:
	@sh scripts/check-banned.sh

unit: $(UNIT_BIN) $(FUZZ_BIN)

test: deps
	@$(MAKE) --no-print-directory check-banned all unit
	@sh scripts/test.sh $(BUILD)

# The whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer (the API suite on
# SQLite only: its PostgreSQL pass runs in `make test`).
sanitize:
	@$(MAKE) --no-print-directory BUILD=build-san \
	  OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  all unit
	@ASAN_OPTIONS=detect_leaks=1 ROSTER_TEST_PG_API=0 sh scripts/test.sh build-san

format-check:
	@if command -v clang-format >/dev/null; then \
	  clang-format --dry-run -Werror $$(find src tests/unit fuzz bench tools -name '*.[ch]') && \
	  echo "format: clean"; \
	else echo "format: clang-format not installed, skipped"; fi

clean:
	rm -rf build build-san

-include $(LIB_OBJ:.o=.d) $(BUILD)/obj/src/cli/main.d
