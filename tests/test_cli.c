/*
 * The spp-harness front door, run as users run it: the real binary, its exit
 * status and its output (dispatcher, --help/--version, usage errors, validate).
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "json.h"

struct result {
    int status;
    char out[65536];
    char err[65536];
};

static void slurp(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    ssize_t got;
    while (n + 1 < cap && (got = read(fd, buf + n, cap - 1 - n)) > 0)
        n += (size_t)got;
    buf[n] = '\0';
}

/* Runs spp-harness with args (NULL-terminated); stdout and stderr captured through files. */
static void run(struct result *r, const char *const *args)
{
    char outp[] = "/tmp/spp-cli-out-XXXXXX", errp[] = "/tmp/spp-cli-err-XXXXXX";
    int ofd = mkstemp(outp), efd = mkstemp(errp);
    cr_assert(ofd >= 0 && efd >= 0);
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        dup2(ofd, 1);
        dup2(efd, 2);
        const char *argv[32] = {SPP_HARNESS_BIN};
        size_t i = 1;
        for (; args[i - 1] && i < 31; i++)
            argv[i] = args[i - 1];
        argv[i] = NULL;
        execv(SPP_HARNESS_BIN, (char *const *)(void *)argv);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    lseek(ofd, 0, SEEK_SET);
    lseek(efd, 0, SEEK_SET);
    slurp(ofd, r->out, sizeof(r->out));
    slurp(efd, r->err, sizeof(r->err));
    close(ofd);
    close(efd);
    unlink(outp);
    unlink(errp);
}

static struct result res;

#define RUN(...)                                                                                   \
    do {                                                                                           \
        const char *const a_[] = {__VA_ARGS__, NULL};                                              \
        run(&res, a_);                                                                             \
    } while (0)

Test(cli, prints_its_version)
{
    RUN("--version");
    cr_assert_eq(res.status, 0);
    cr_assert(strncmp(res.out, "spp-harness ", 12) == 0, "got: %s", res.out);
}

Test(cli, lists_every_command_in_its_help)
{
    RUN("--help");
    cr_assert_eq(res.status, 0);
    cr_assert(strstr(res.out, "check") && strstr(res.out, "validate") && strstr(res.out, "mock"));
}

Test(cli, gives_each_command_its_own_help)
{
    RUN("validate", "--help");
    cr_assert_eq(res.status, 0);
    cr_assert(strstr(res.out, "--schema-file") != NULL);
    RUN("help", "check");
    cr_assert_eq(res.status, 0);
    cr_assert(strstr(res.out, "--known-failures") != NULL);
}

Test(cli, rejects_an_unknown_command_with_exit_2)
{
    RUN("frobnicate");
    cr_assert_eq(res.status, 2);
    cr_assert(strstr(res.err, "unknown command 'frobnicate'") != NULL, "got: %s", res.err);
}

Test(cli, rejects_an_unknown_option_with_exit_2)
{
    RUN("--frob");
    cr_assert_eq(res.status, 2);
    RUN("validate", "--frob", "--schema", "TicketResource", "x.json");
    cr_assert_eq(res.status, 2);
    cr_assert(strstr(res.err, "unknown option '--frob'") != NULL, "got: %s", res.err);
}

Test(cli, fails_with_usage_status_and_no_arguments)
{
    RUN("validate");
    cr_assert_eq(res.status, 2);
}

Test(validate, accepts_a_complete_ticket_silently)
{
    RUN("validate", "--schema", "TicketResource", SPP_TEST_DATA_DIR "/ticket_valid.json");
    cr_assert_eq(res.status, 0, "stdout: %s stderr: %s", res.out, res.err);
    cr_assert_str_eq(res.out, "");
}

Test(validate, names_each_file_with_v)
{
    RUN("validate", "-v", "--schema", "SaveTicketRequest",
        SPP_TEST_DATA_DIR "/save_ticket_valid.json");
    cr_assert_eq(res.status, 0);
    cr_assert(strstr(res.out, "save_ticket_valid.json: valid") != NULL, "got: %s", res.out);
}

/* Writes text to a fresh temp file; returns its path (static buffer per call site). */
static void write_tmp(char *path, const char *text)
{
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static char *read_all(const char *path)
{
    char *buf = NULL;
    size_t len = 0;
    cr_assert_eq(spp_file_read(path, 1 << 26, &buf, &len, NULL), SPP_OK);
    return buf;
}

Test(validate, reports_a_missing_nested_property_at_its_object)
{
    char *doc = read_all(SPP_TEST_DATA_DIR "/ticket_valid.json");
    /* Rename the first "postcode" key: the client's address lacks it. */
    char *p = strstr(doc, "\"postcode\"");
    cr_assert_not_null(p);
    memcpy(p + 1, "postcodX", 8);
    char path[] = "/tmp/spp-cli-doc-XXXXXX";
    write_tmp(path, doc);
    free(doc);
    RUN("validate", "--schema", "TicketResource", path);
    unlink(path);
    cr_assert_eq(res.status, 1);
    cr_assert(strstr(res.out, ": missing required property \"postcode\"") != NULL, "got: %s",
              res.out);
    cr_assert(strstr(res.out, "/address: missing") != NULL, "got: %s", res.out);
}

Test(validate, prints_basic_output_with_json)
{
    char path[] = "/tmp/spp-cli-doc-XXXXXX";
    write_tmp(path, "{\"subject\": 5}");
    RUN("validate", "--json", "--schema", "SaveTicketRequest", path);
    unlink(path);
    cr_assert_eq(res.status, 1);
    struct spp_json_doc *out = NULL;
    cr_assert_eq(spp_json_parse(res.out, strlen(res.out), NULL, &out, NULL), SPP_OK, "%s", res.out);
    const struct spp_json *e = spp_json_pointer(spp_json_doc_root(out), "/0/errors/0");
    cr_assert_str_eq(spp_json_string(spp_json_get(e, "instanceLocation"), NULL), "/subject");
    const char *abs = spp_json_string(spp_json_get(e, "absoluteKeywordLocation"), NULL);
    cr_assert(abs && strstr(abs, "#/components/schemas/SaveTicketRequest/properties/subject/type"),
              "got %s", abs);
    cr_assert_eq(spp_json_bool(spp_json_pointer(spp_json_doc_root(out), "/0/valid")), false);
    spp_json_doc_free(out);
}

Test(validate, reports_json_policy_issues_and_malformed_files)
{
    char dup[] = "/tmp/spp-cli-doc-XXXXXX", bad[] = "/tmp/spp-cli-doc-XXXXXX";
    write_tmp(dup, "{\"subject\": \"a\", \"subject\": \"b\"}");
    write_tmp(bad, "{\"subject\": ");
    RUN("validate", "--schema", "SaveTicketRequest", dup, bad);
    unlink(dup);
    unlink(bad);
    cr_assert_eq(res.status, 1);
    cr_assert(strstr(res.out, "/subject: duplicate key") != NULL, "got: %s", res.out);
    cr_assert(strstr(res.out, "malformed JSON") != NULL, "got: %s", res.out);
}

Test(validate, walks_a_folder_for_json_files)
{
    char dir[] = "/tmp/spp-cli-dir-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char a[256], b[256], c[256];
    snprintf(a, sizeof(a), "%s/a.json", dir);
    snprintf(b, sizeof(b), "%s/b.json", dir);
    snprintf(c, sizeof(c), "%s/notes.txt", dir);
    FILE *f = fopen(a, "w");
    fputs("{\"tags\": [\"x\"]}", f);
    fclose(f);
    f = fopen(b, "w");
    fputs("{\"tags\": [1]}", f);
    fclose(f);
    f = fopen(c, "w");
    fputs("not json", f);
    fclose(f);
    RUN("validate", "--schema", "SaveTicketRequest", dir);
    unlink(a);
    unlink(b);
    unlink(c);
    rmdir(dir);
    cr_assert_eq(res.status, 1);
    cr_assert(strstr(res.out, "b.json: /tags/0: expected string") != NULL, "got: %s", res.out);
    cr_assert(strstr(res.out, "a.json") == NULL);
    cr_assert(strstr(res.out, "notes.txt") == NULL);
}

Test(validate, exits_2_for_an_unknown_schema_or_unreadable_contract)
{
    RUN("validate", "--schema", "NoSuchThing", SPP_TEST_DATA_DIR "/ticket_valid.json");
    cr_assert_eq(res.status, 2);
    cr_assert(strstr(res.err, "no schema \"NoSuchThing\"") != NULL, "got: %s", res.err);
    RUN("validate", "--contract", "/nonexistent/c.json", "--schema", "TicketResource",
        SPP_TEST_DATA_DIR "/ticket_valid.json");
    cr_assert_eq(res.status, 2);
    cr_assert(strstr(res.err, "/nonexistent/c.json") != NULL, "got: %s", res.err);
}

Test(validate, exits_2_for_a_hostile_schema_file_naming_the_location)
{
    char path[] = "/tmp/spp-cli-doc-XXXXXX";
    write_tmp(path, "{\"properties\": {\"a\": {\"minLength\": \"x\"}}}");
    RUN("validate", "--schema-file", path, SPP_TEST_DATA_DIR "/ticket_valid.json");
    unlink(path);
    cr_assert_eq(res.status, 2);
    cr_assert(strstr(res.err, "/properties/a") != NULL, "got: %s", res.err);
}

Test(validate, asserts_formats_unless_told_not_to)
{
    char path[] = "/tmp/spp-cli-doc-XXXXXX";
    char *doc = read_all(SPP_TEST_DATA_DIR "/ticket_valid.json");
    char *p = strstr(doc, "\"created_at\": \"");
    cr_assert_not_null(p);
    memcpy(p + 15, "not a date at all, UTC!!!", 25);
    write_tmp(path, doc);
    free(doc);
    RUN("validate", "--schema", "TicketResource", path);
    cr_assert_eq(res.status, 1, "got: %s", res.out);
    cr_assert(strstr(res.out, "/created_at") != NULL, "got: %s", res.out);
    RUN("validate", "--no-format-assertion", "--schema", "TicketResource", path);
    unlink(path);
    cr_assert_eq(res.status, 0, "got: %s", res.out);
}
