/* Replays a fuzz target's corpus (and regression inputs) as an ordinary test: every file
 * under the given directories is fed to LLVMFuzzerTestOneInput once.
 * Prints cmocka-style summary lines so scripts/test.sh counts each file as a test. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX_INPUT (4 * 1024 * 1024)

int main(int argc, char **argv)
{
    int files = 0;
    unsigned char *buf = malloc(REPLAY_MAX_INPUT);
    if (!buf)
        return 1;
    for (int i = 1; i < argc; i++) {
        DIR *d = opendir(argv[i]);
        if (!d)
            continue;
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.')
                continue;
            char path[4096];
            snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
            FILE *f = fopen(path, "rb");
            if (!f)
                continue;
            size_t n = fread(buf, 1, REPLAY_MAX_INPUT, f);
            fclose(f);
            LLVMFuzzerTestOneInput(buf, n); /* a crash or sanitizer report fails the run */
            files++;
        }
        closedir(d);
    }
    free(buf);
    printf("[  PASSED  ] %d test(s).\n", files);
    return files ? 0 : 1;
}
