/*
 * test_mock — integration tests of the embedded Tickets API mock.
 *
 * Each test starts the mock in-process on 127.0.0.1:0 through the library API
 * and talks to it over real HTTP with libcurl; two tests run the spp-harness
 * binary itself (readiness = the URL it prints, then SIGTERM; a busy port).
 * No fixed sleeps: the server is ready when spp_mock_start returns, the binary
 * when its first stdout line arrives.
 */
#include <criterion/criterion.h>
#include <curl/curl.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "format.h"
#include "json.h"
#include "mock.h"
#include "schema.h"

#define TOKEN       "test-token-5f1c2a9e"
#define TICKET_PATH "/api/tickets/E4A269FC"

static void setup(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}
static void teardown(void)
{
    curl_global_cleanup();
}
TestSuite(mock, .init = setup, .fini = teardown);

/* ---- helpers ------------------------------------------------------------------------------- */

struct resp {
    CURLcode rc;
    long status;
    char *body;
    size_t len;
    char ctype[128];
    char id[128];
    char version[64];
    char allow[64];
    bool has_id;
    bool has_version;
    double seconds;
};

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
    struct resp *r = ud;
    size_t add = sz * n;
    char *nb = realloc(r->body, r->len + add + 1);
    if (!nb)
        return 0;
    memcpy(nb + r->len, p, add);
    r->body = nb;
    r->len += add;
    r->body[r->len] = '\0';
    return add;
}

static void header_value(const char *line, size_t n, char *out, size_t cap)
{
    const char *colon = memchr(line, ':', n);
    if (!colon)
        return;
    const char *v = colon + 1;
    const char *end = line + n;
    while (v < end && *v == ' ')
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    snprintf(out, cap, "%.*s", (int)(end - v), v);
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
    struct resp *r = ud;
    size_t len = sz * n;
    if (len > 13 && strncasecmp(p, "Content-Type:", 13) == 0)
        header_value(p, len, r->ctype, sizeof(r->ctype));
    else if (len > 17 && strncasecmp(p, "X-Api-Identifier:", 17) == 0) {
        header_value(p, len, r->id, sizeof(r->id));
        r->has_id = true;
    } else if (len > 14 && strncasecmp(p, "X-Api-Version:", 14) == 0) {
        header_value(p, len, r->version, sizeof(r->version));
        r->has_version = true;
    } else if (len > 6 && strncasecmp(p, "Allow:", 6) == 0)
        header_value(p, len, r->allow, sizeof(r->allow));
    return len;
}

/* One request; token NULL = no Authorization; version NULL = no X-Api-Version. */
static struct resp req(const struct spp_mock *m, const char *method, const char *path,
                       const char *token, const char *version, const char *body, size_t blen)
{
    struct resp r;
    memset(&r, 0, sizeof(r));
    char url[512], auth[512], ver[128];
    snprintf(url, sizeof(url), "%s%s", spp_mock_url(m), path);
    CURL *c = curl_easy_init();
    cr_assert_not_null(c);
    struct curl_slist *h = NULL;
    h = curl_slist_append(h, "Content-Type: application/json");
    h = curl_slist_append(h, "Expect:");
    if (token) {
        snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
        h = curl_slist_append(h, auth);
    }
    if (version) {
        snprintf(ver, sizeof(ver), "X-Api-Version: %s", version);
        h = curl_slist_append(h, ver);
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)blen);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    r.rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_easy_getinfo(c, CURLINFO_TOTAL_TIME, &r.seconds);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return r;
}

static struct resp put(const struct spp_mock *m, const char *body)
{
    return req(m, "PUT", TICKET_PATH, TOKEN, NULL, body, body ? strlen(body) : 0);
}

static void resp_free(struct resp *r)
{
    free(r->body);
}

static struct spp_json_doc *parse(const struct resp *r)
{
    struct spp_json_doc *d = NULL;
    struct spp_err e;
    cr_assert_eq(spp_json_parse(r->body ? r->body : "", r->len, NULL, &d, &e), SPP_OK,
                 "body does not parse: %s (%.200s)", e.msg, r->body ? r->body : "");
    return d;
}

static struct spp_mock *start_with(const char *const *specs, size_t n, const char *replay)
{
    struct spp_mock_fault f[16];
    cr_assert(n <= 16);
    struct spp_err e;
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(spp_mock_fault_parse(specs[i], &f[i], &e), SPP_OK, "%s: %s", specs[i], e.msg);
    struct spp_mock_opts o = {
        .token = TOKEN, .seed = 7, .faults = f, .nfaults = n, .replay_dir = replay};
    struct spp_mock *m = NULL;
    cr_assert_eq(spp_mock_start(&o, &m, &e), SPP_OK, "start: %s", e.msg);
    cr_assert_neq(spp_mock_port(m), 0u);
    return m;
}

static struct spp_mock *start(void)
{
    return start_with(NULL, 0, NULL);
}

static struct spp_mock *start1(const char *spec)
{
    return start_with(&spec, 1, NULL);
}

static const char *str_at(const struct spp_json_doc *d, const char *ptr)
{
    return spp_json_string(spp_json_pointer(spp_json_doc_root(d), ptr), NULL);
}

static double num_at(const struct spp_json_doc *d, const char *ptr)
{
    const struct spp_json *n = spp_json_pointer(spp_json_doc_root(d), ptr);
    cr_assert_eq(spp_json_kind(n), SPP_JSON_NUMBER, "%s is not a number", ptr);
    return spp_json_number(n);
}

static enum spp_json_kind kind_at(const struct spp_json_doc *d, const char *ptr)
{
    return spp_json_kind(spp_json_pointer(spp_json_doc_root(d), ptr));
}

/* ---- conformant behaviour ------------------------------------------------------------------ */

Test(mock, answers_200_with_a_complete_ticket_when_the_token_is_right)
{
    struct spp_mock *m = start();
    struct resp r = put(m, "{}");
    cr_assert_eq(r.rc, CURLE_OK);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(r.ctype, "application/json");
    cr_assert(r.len > 15000 && r.len < 80000, "realistic size, got %zu bytes", r.len);
    struct spp_json_doc *d = parse(&r);
    static const char *const required[] = {"/id",
                                           "/created_at",
                                           "/updated_at",
                                           "/last_message_at",
                                           "/date_closed",
                                           "/subject",
                                           "/user_id",
                                           "/form_data",
                                           "/tags",
                                           "/note",
                                           "/employees",
                                           "/status",
                                           "/source",
                                           "/order_id",
                                           "/order",
                                           "/ticket",
                                           "/messages",
                                           "/client",
                                           "/metadata",
                                           "/order/client/address/postcode",
                                           "/order/client/role/settings_logs",
                                           "/order/client/managers/0/email",
                                           "/order/subscription/client/id",
                                           "/order/invoice/client/id",
                                           "/order/invoice/items/0/total",
                                           "/order/invoice/billing_address/city",
                                           "/order/order_service/media",
                                           "/order/addons/0/name",
                                           "/order/ratings/0/rating",
                                           "/order/messages/0/files",
                                           "/messages/9/staff_only",
                                           "/client/team_member_ids",
                                           "/employees/0/name_f"};
    for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
        cr_assert_not_null(spp_json_pointer(spp_json_doc_root(d), required[i]), "missing %s",
                           required[i]);
    static const char *const dates[] = {"/created_at", "/updated_at", "/order/date_due",
                                        "/order/invoice/items/1/updated_at",
                                        "/order/client/role/created_at"};
    for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
        const char *s = str_at(d, dates[i]);
        cr_assert_not_null(s, "%s", dates[i]);
        cr_assert(spp_format_is_rfc3339_datetime(s, strlen(s)), "%s = %s", dates[i], s);
    }
    cr_assert_str_eq(str_at(d, "/subject"), "Cannot access the client portal");
    cr_assert_eq(kind_at(d, "/ticket/ticket"), SPP_JSON_NULL);
    spp_json_doc_free(d);
    resp_free(&r);
    spp_mock_stop(m);
}

Test(mock, answers_401_when_the_token_is_missing_or_wrong)
{
    struct spp_mock *m = start();
    const char *tokens[] = {NULL, "wrong", TOKEN "x", "test-token-5f1c2a9", ""};
    for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++) {
        struct resp r = req(m, "PUT", TICKET_PATH, tokens[i], NULL, "{}", 2);
        cr_assert_eq(r.status, 401, "token %zu: %ld", i, r.status);
        cr_assert_str_eq(r.ctype, "application/json");
        struct spp_json_doc *d = parse(&r);
        cr_assert_str_eq(str_at(d, "/message"), "Unauthenticated.");
        spp_json_doc_free(d);
        resp_free(&r);
    }
    spp_mock_stop(m);
}

Test(mock, answers_404_for_unknown_tickets_and_other_paths)
{
    struct spp_mock *m = start();
    const char *paths[] = {"/api/tickets/NOPE1234", "/api/tickets/", "/api/ticket/E4A269FC", "/",
                           "/api/tickets/E4A269FC/x"};
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        struct resp r = req(m, "PUT", paths[i], TOKEN, NULL, "{}", 2);
        cr_assert_eq(r.status, 404, "%s: %ld", paths[i], r.status);
        struct spp_json_doc *d = parse(&r);
        cr_assert_not_null(str_at(d, "/message"));
        spp_json_doc_free(d);
        resp_free(&r);
    }
    spp_mock_stop(m);
}

Test(mock, answers_405_with_allow_put_for_other_methods)
{
    struct spp_mock *m = start();
    const char *methods[] = {"GET", "POST", "DELETE", "PATCH"};
    for (size_t i = 0; i < 4; i++) {
        struct resp r = req(m, methods[i], TICKET_PATH, TOKEN, NULL, NULL, 0);
        cr_assert_eq(r.status, 405, "%s: %ld", methods[i], r.status);
        cr_assert_str_eq(r.allow, "PUT");
        resp_free(&r);
    }
    spp_mock_stop(m);
}

static void expect_400(const struct spp_mock *m, const char *body, const char *field)
{
    struct resp r = put(m, body);
    cr_assert_eq(r.status, 400, "%.80s: got %ld", body, r.status);
    cr_assert_str_eq(r.ctype, "application/json");
    struct spp_json_doc *d = parse(&r);
    cr_assert_not_null(str_at(d, "/message"));
    const struct spp_json *errs = spp_json_pointer(spp_json_doc_root(d), "/errors");
    cr_assert_not_null(spp_json_get(errs, field), "%.80s: no errors.%s in %.300s", body, field,
                       r.body);
    spp_json_doc_free(d);
    resp_free(&r);
}

Test(mock, answers_400_naming_the_field_for_each_bad_field)
{
    struct spp_mock *m = start();
    char longsub[300];
    memset(longsub, 'a', 256);
    longsub[256] = '\0';
    char body[400];
    snprintf(body, sizeof(body), "{\"subject\":\"%s\"}", longsub);
    expect_400(m, body, "subject");
    expect_400(m, "{\"subject\":5}", "subject");
    expect_400(m, "{\"subject\":null}", "subject");
    expect_400(m, "{\"status\":99}", "status");
    expect_400(m, "{\"status\":\"1\"}", "status");
    expect_400(m, "{\"status\":1.5}", "status");
    expect_400(m, "{\"employees\":[999]}", "employees.0");
    expect_400(m, "{\"employees\":\"2\"}", "employees");
    expect_400(m, "{\"employees\":[2,\"x\"]}", "employees.1");
    expect_400(m, "{\"tags\":[1]}", "tags.0");
    expect_400(m, "{\"tags\":\"a\"}", "tags");
    expect_400(m, "{\"order\":\"9999\"}", "order");
    expect_400(m, "{\"order\":1001}", "order");
    expect_400(m, "{\"order\":\"01001\"}", "order");
    expect_400(m, "{\"metadata\":[true]}", "metadata.0");
    expect_400(m, "{\"metadata\":{}}", "metadata");
    /* The message names the field the way the issue shows it. */
    struct resp r = put(m, body);
    cr_assert(strstr(r.body, "The subject may not be greater than 255 characters."), "%s", r.body);
    resp_free(&r);
    spp_mock_stop(m);
}

Test(mock, counts_subject_length_in_code_points)
{
    struct spp_mock *m = start();
    /* é is 2 bytes and 1 code point: 255 of them fit, 256 do not. */
    char body[1200];
    size_t n = (size_t)snprintf(body, sizeof(body), "{\"subject\":\"");
    for (int i = 0; i < 255; i++)
        n += (size_t)snprintf(body + n, sizeof(body) - n, "\xc3\xa9");
    snprintf(body + n, sizeof(body) - n, "\"}");
    struct resp r = put(m, body);
    cr_assert_eq(r.status, 200, "255 code points: %ld %s", r.status, r.body);
    resp_free(&r);
    snprintf(body + n, sizeof(body) - n, "\xc3\xa9\"}");
    r = put(m, body);
    cr_assert_eq(r.status, 400);
    resp_free(&r);
    spp_mock_stop(m);
}

Test(mock, answers_400_for_malformed_json_non_objects_and_policy_breaks)
{
    struct spp_mock *m = start();
    const char *bodies[] = {"{",
                            "{\"subject\":}",
                            "[]",
                            "\"x\"",
                            "1",
                            "null",
                            "{} x",
                            "{\"subject\":\"a\",\"subject\":\"b\"}",
                            "{\"subject\":\"a\\u0000b\"}",
                            "{\"status\":9007199254740993}",
                            "{\"subject\":\"\xff\"}",
                            "{\"status\":1e999}"};
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++)
        expect_400(m, bodies[i], "body");
    spp_mock_stop(m);
}

Test(mock, answers_413_for_bodies_over_the_cap)
{
    struct spp_mock *m = start();
    size_t n = SPP_MOCK_MAX_BODY + 100;
    char *big = malloc(n + 1);
    cr_assert_not_null(big);
    memset(big, ' ', n);
    big[0] = '{';
    big[n - 1] = '}';
    big[n] = '\0';
    struct resp r = req(m, "PUT", TICKET_PATH, TOKEN, NULL, big, n);
    cr_assert_eq(r.status, 413, "got %ld", r.status);
    resp_free(&r);
    free(big);
    spp_mock_stop(m);
}

Test(mock, applies_an_update_and_leaves_other_fields_unchanged)
{
    struct spp_mock *m = start();
    struct resp r0 = put(m, "{}");
    struct spp_json_doc *d0 = parse(&r0);
    struct resp r1 = put(m, "{\"subject\":\"New subject\"}");
    cr_assert_eq(r1.status, 200);
    struct spp_json_doc *d1 = parse(&r1);
    cr_assert_str_eq(str_at(d1, "/subject"), "New subject");
    const char *same[] = {"/status",   "/tags",       "/employees", "/order_id", "/order",
                          "/metadata", "/created_at", "/client",    "/messages"};
    for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++)
        cr_assert(spp_json_equal(spp_json_pointer(spp_json_doc_root(d0), same[i]),
                                 spp_json_pointer(spp_json_doc_root(d1), same[i])),
                  "%s changed", same[i]);
    cr_assert_str_neq(str_at(d0, "/updated_at"), str_at(d1, "/updated_at"));

    struct resp r2 = put(m, "{\"status\":3,\"tags\":[\"a\",\"b\"],\"employees\":[5,8],"
                            "\"order\":\"1002\",\"metadata\":[\"k\",\"v\"]}");
    cr_assert_eq(r2.status, 200, "%s", r2.body);
    struct spp_json_doc *d2 = parse(&r2);
    cr_assert_str_eq(str_at(d2, "/subject"), "New subject");
    cr_assert_str_eq(str_at(d2, "/status"), "Closed");
    cr_assert_str_eq(str_at(d2, "/tags/1"), "b");
    cr_assert_eq(spp_json_count(spp_json_pointer(spp_json_doc_root(d2), "/tags")), 2);
    cr_assert_eq(num_at(d2, "/employees/0/id"), 5);
    cr_assert_eq(num_at(d2, "/employees/1/id"), 8);
    cr_assert_not_null(str_at(d2, "/employees/1/name_f"));
    cr_assert_eq(num_at(d2, "/order_id"), 1002);
    cr_assert_eq(num_at(d2, "/order/id"), 1002);
    cr_assert_str_eq(str_at(d2, "/metadata/0"), "k");
    cr_assert_str_eq(str_at(d2, "/metadata/1"), "v");
    cr_assert(strcmp(str_at(d2, "/updated_at"), str_at(d1, "/updated_at")) > 0,
              "updated_at must increase");
    /* State persists: an empty update shows the same values. */
    struct resp r3 = put(m, "");
    cr_assert_eq(r3.status, 200);
    struct spp_json_doc *d3 = parse(&r3);
    cr_assert_str_eq(str_at(d3, "/status"), "Closed");
    cr_assert_eq(num_at(d3, "/order_id"), 1002);
    spp_json_doc_free(d0);
    spp_json_doc_free(d1);
    spp_json_doc_free(d2);
    spp_json_doc_free(d3);
    resp_free(&r0);
    resp_free(&r1);
    resp_free(&r2);
    resp_free(&r3);
    spp_mock_stop(m);
}

Test(mock, nested_ticket_mirrors_the_ticket_and_ends_in_null)
{
    struct spp_mock *m = start();
    struct resp r = put(m, "{\"subject\":\"Mirror\",\"tags\":[\"x\"]}");
    struct spp_json_doc *d = parse(&r);
    struct spp_json *outer = spp_json_clone(spp_json_doc_root(d));
    struct spp_json *inner = spp_json_clone(spp_json_get(outer, "ticket"));
    cr_assert_eq(spp_json_kind(inner), SPP_JSON_OBJECT);
    cr_assert_eq(spp_json_kind(spp_json_get(inner, "ticket")), SPP_JSON_NULL);
    cr_assert(spp_json_remove(outer, "ticket"));
    cr_assert(spp_json_remove(inner, "ticket"));
    cr_assert(spp_json_equal(outer, inner));
    spp_json_free(outer);
    spp_json_free(inner);
    spp_json_doc_free(d);
    resp_free(&r);
    spp_mock_stop(m);
}

Test(mock, negotiates_the_api_version)
{
    struct spp_mock *m = start();
    struct {
        const char *asked;
        const char *served;
    } cases[] = {{NULL, "20240305"},
                 {"2024-03-05", "20240305"},
                 {"2023-12-14", "20231214"},
                 {"20231214", "20231214"}};
    for (size_t i = 0; i < 4; i++) {
        struct resp r = req(m, "PUT", TICKET_PATH, TOKEN, cases[i].asked, "{}", 2);
        cr_assert_eq(r.status, 200);
        cr_assert_str_eq(r.version, cases[i].served);
        resp_free(&r);
    }
    struct resp r = req(m, "PUT", TICKET_PATH, TOKEN, "1999-01-01", "{}", 2);
    cr_assert_eq(r.status, 400);
    cr_assert(strstr(r.body, "2024-03-05") && strstr(r.body, "2023-12-14"), "%s", r.body);
    resp_free(&r);
    spp_mock_stop(m);
}

Test(mock, sends_a_fresh_uuid_v4_identifier_with_each_answer)
{
    struct spp_mock *m = start();
    struct resp a = put(m, "{}");
    struct resp b = put(m, "{}");
    struct resp c = req(m, "PUT", TICKET_PATH, NULL, NULL, "{}", 2);
    cr_assert(a.has_id && b.has_id && c.has_id);
    cr_assert(spp_format_is_uuid(a.id, strlen(a.id)), "%s", a.id);
    cr_assert(spp_format_is_uuid(b.id, strlen(b.id)), "%s", b.id);
    cr_assert_eq(a.id[14], '4');
    cr_assert(strchr("89ab", a.id[19]) != NULL);
    cr_assert_str_neq(a.id, b.id);
    cr_assert_str_neq(b.id, c.id);
    resp_free(&a);
    resp_free(&b);
    resp_free(&c);
    spp_mock_stop(m);
}

#define NTHREADS 8
#define NUPDATES 25

struct worker {
    const struct spp_mock *m;
    int id;
    int ok;
    char fail[200];
};

static void *work(void *arg)
{
    struct worker *w = arg;
    for (int j = 0; j < NUPDATES; j++) {
        char body[256], want[64];
        snprintf(want, sizeof(want), "t%d-%d", w->id, j);
        snprintf(body, sizeof(body), "{\"subject\":\"%s\",\"tags\":[\"%s\"],\"status\":%d}", want,
                 want, 1 + (w->id + j) % 5);
        struct resp r = req(w->m, "PUT", TICKET_PATH, TOKEN, NULL, body, strlen(body));
        struct spp_json_doc *d = NULL;
        bool good = r.rc == CURLE_OK && r.status == 200 &&
                    spp_json_parse(r.body, r.len, NULL, &d, NULL) == SPP_OK;
        const struct spp_json *root = spp_json_doc_root(d);
        const char *sub = spp_json_string(spp_json_get(root, "subject"), NULL);
        const char *tag = spp_json_string(spp_json_pointer(root, "/tags/0"), NULL);
        const char *inner = spp_json_string(spp_json_pointer(root, "/ticket/subject"), NULL);
        /* The answer is built from a snapshot taken right after this update, under the lock. */
        if (good && sub && tag && inner && strcmp(sub, want) == 0 && strcmp(tag, want) == 0 &&
            strcmp(inner, want) == 0)
            w->ok++;
        else if (!w->fail[0])
            snprintf(w->fail, sizeof(w->fail), "%.60s: rc %d status %ld", want, (int)r.rc,
                     r.status);
        spp_json_doc_free(d);
        resp_free(&r);
    }
    return NULL;
}

Test(mock, keeps_state_consistent_under_concurrent_updates)
{
    struct spp_mock *m = start();
    pthread_t th[NTHREADS];
    struct worker w[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        w[i] = (struct worker){.m = m, .id = i};
        cr_assert_eq(pthread_create(&th[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < NTHREADS; i++)
        cr_assert_eq(w[i].ok, NUPDATES, "thread %d: %d ok (%s)", i, w[i].ok, w[i].fail);
    struct resp r = put(m, "{}");
    struct spp_json_doc *d = parse(&r);
    const char *sub = str_at(d, "/subject");
    /* The last update applied is the last of some thread, whole: subject and tag agree. */
    int ti = -1, tj = -1;
    cr_assert_eq(sscanf(sub, "t%d-%d", &ti, &tj), 2, "%s", sub);
    cr_assert(ti >= 0 && ti < NTHREADS && tj == NUPDATES - 1, "%s", sub);
    cr_assert_str_eq(str_at(d, "/tags/0"), sub);
    spp_json_doc_free(d);
    resp_free(&r);
    spp_mock_stop(m);
}

/* ---- faults -------------------------------------------------------------------------------- */

Test(mock, fault_drop_removes_the_field_only_for_its_version)
{
    struct spp_mock *m = start1("drop:/order/client/address/postcode@2023-12-14");
    struct resp a = req(m, "PUT", TICKET_PATH, TOKEN, "2023-12-14", "{}", 2);
    struct resp b = req(m, "PUT", TICKET_PATH, TOKEN, "2024-03-05", "{}", 2);
    struct spp_json_doc *da = parse(&a), *db = parse(&b);
    cr_assert_null(spp_json_pointer(spp_json_doc_root(da), "/order/client/address/postcode"));
    cr_assert_not_null(spp_json_pointer(spp_json_doc_root(da), "/order/client/address/city"));
    cr_assert_not_null(spp_json_pointer(spp_json_doc_root(db), "/order/client/address/postcode"));
    spp_json_doc_free(da);
    spp_json_doc_free(db);
    resp_free(&a);
    resp_free(&b);
    spp_mock_stop(m);
}

Test(mock, fault_drop_removes_array_elements_too)
{
    struct spp_mock *m = start1("drop:/messages/0");
    struct resp r = put(m, "{}");
    struct spp_json_doc *d = parse(&r);
    cr_assert_eq(spp_json_count(spp_json_pointer(spp_json_doc_root(d), "/messages")), 9);
    spp_json_doc_free(d);
    resp_free(&r);
    spp_mock_stop(m);
}

Test(mock, fault_retype_changes_the_type)
{
    const char *specs[] = {"retype:/id", "retype:/subject", "retype:/order",
                           "retype:/messages/0/staff_only", "retype:/client/spent"};
    struct spp_mock *m = start_with(specs, 5, NULL);
    struct resp r = put(m, "{}");
    struct spp_json_doc *d = parse(&r);
    cr_assert_eq(kind_at(d, "/id"), SPP_JSON_STRING);
    cr_assert_eq(kind_at(d, "/subject"), SPP_JSON_NUMBER);
    cr_assert_eq(kind_at(d, "/order"), SPP_JSON_STRING);
    cr_assert_eq(kind_at(d, "/messages/0/staff_only"), SPP_JSON_STRING);
    cr_assert_eq(kind_at(d, "/client/spent"), SPP_JSON_NUMBER);
    spp_json_doc_free(d);
    resp_free(&r);
    spp_mock_stop(m);
}

Test(mock, fault_bad_date_writes_a_non_rfc3339_date)
{
    struct spp_mock *m = start1("bad-date:/order/invoice/date_due");
    struct resp r = put(m, "{}");
    struct spp_json_doc *d = parse(&r);
    const char *s = str_at(d, "/order/invoice/date_due");
    cr_assert_not_null(s);
    cr_assert_not(spp_format_is_rfc3339_datetime(s, strlen(s)), "%s", s);
    s = str_at(d, "/order/invoice/date_paid");
    cr_assert(spp_format_is_rfc3339_datetime(s, strlen(s)), "%s", s);
    spp_json_doc_free(d);
    resp_free(&r);
    spp_mock_stop(m);
}

Test(mock, fault_body_array_wraps_the_body)
{
    struct spp_mock *m = start1("body-array");
    struct resp r = put(m, "{}");
    struct spp_json_doc *d = parse(&r);
    cr_assert_eq(kind_at(d, ""), SPP_JSON_ARRAY);
    spp_json_doc_free(d);
    resp_free(&r);
    spp_mock_stop(m);
}

Test(mock, fault_body_truncated_cuts_the_body_with_a_matching_length)
{
    struct spp_mock *m = start1("body-truncated");
    struct resp r = put(m, "{}");
    cr_assert_eq(r.rc, CURLE_OK, "Content-Length must match the cut body");
    cr_assert_eq(r.status, 200);
    cr_assert(r.len > 5000);
    cr_assert_neq(spp_json_parse(r.body, r.len, NULL, &(struct spp_json_doc *){NULL}, NULL),
                  SPP_OK);
    resp_free(&r);
    spp_mock_stop(m);
}

Test(mock, fault_content_type_and_no_header_change_the_headers)
{
    const char *specs[] = {"content-type:text/plain", "no-header:X-Api-Identifier"};
    struct spp_mock *m = start_with(specs, 2, NULL);
    struct resp r = put(m, "{}");
    cr_assert_str_eq(r.ctype, "text/plain");
    cr_assert_not(r.has_id);
    cr_assert(r.has_version);
    resp_free(&r);
    spp_mock_stop(m);
    m = start1("no-header:x-api-version");
    r = put(m, "{}");
    cr_assert(r.has_id);
    cr_assert_not(r.has_version);
    cr_assert_str_eq(r.ctype, "application/json");
    resp_free(&r);
    spp_mock_stop(m);
}

Test(mock, fault_accept_invalid_answers_200_and_applies_the_valid_fields)
{
    struct spp_mock *m = start1("accept-invalid");
    struct resp r = put(m, "{\"subject\":\"Kept\",\"status\":99,\"employees\":[999]}");
    cr_assert_eq(r.status, 200);
    struct spp_json_doc *d = parse(&r);
    cr_assert_str_eq(str_at(d, "/subject"), "Kept");
    cr_assert_str_eq(str_at(d, "/status"), "Open");
    spp_json_doc_free(d);
    resp_free(&r);
    r = put(m, "{not json");
    cr_assert_eq(r.status, 200);
    resp_free(&r);
    spp_mock_stop(m);
}

Test(mock, fault_ignore_auth_and_found_unknown_skip_their_checks)
{
    const char *specs[] = {"ignore-auth", "found-unknown"};
    struct spp_mock *m = start_with(specs, 2, NULL);
    struct resp r = req(m, "PUT", TICKET_PATH, NULL, NULL, "{}", 2);
    cr_assert_eq(r.status, 200);
    resp_free(&r);
    r = req(m, "PUT", "/api/tickets/UNKNOWN1", TOKEN, NULL, "{}", 2);
    cr_assert_eq(r.status, 200);
    resp_free(&r);
    spp_mock_stop(m);
}

Test(mock, fault_error_500_answers_500_for_boundary_values_only)
{
    const char *specs[] = {"error-500:subject", "error-500:employees", "error-500:status"};
    struct spp_mock *m = start_with(specs, 3, NULL);
    const char *boundary[] = {"{\"subject\":\"\"}", "{\"employees\":[]}", "{\"status\":0}",
                              "{\"status\":-1}", "{\"status\":2147483648}"};
    for (size_t i = 0; i < 5; i++) {
        struct resp r = put(m, boundary[i]);
        cr_assert_eq(r.status, 500, "%s: %ld", boundary[i], r.status);
        resp_free(&r);
    }
    struct resp r = put(m, "{\"subject\":\"fine\",\"employees\":[2],\"status\":2}");
    cr_assert_eq(r.status, 200);
    resp_free(&r);
    spp_mock_stop(m);
}

Test(mock, fault_no_update_accepts_but_does_not_apply)
{
    struct spp_mock *m = start1("no-update:subject");
    struct resp r = put(m, "{\"subject\":\"Ignored\",\"status\":2}");
    cr_assert_eq(r.status, 200);
    struct spp_json_doc *d = parse(&r);
    cr_assert_str_eq(str_at(d, "/subject"), "Cannot access the client portal");
    cr_assert_str_eq(str_at(d, "/status"), "Pending");
    spp_json_doc_free(d);
    resp_free(&r);
    spp_mock_stop(m);
}

Test(mock, fault_reset_omitted_empties_the_omitted_field)
{
    const char *specs[] = {"reset-omitted:tags", "reset-omitted:metadata"};
    struct spp_mock *m = start_with(specs, 2, NULL);
    struct resp r = put(m, "{\"subject\":\"Only this\"}");
    struct spp_json_doc *d = parse(&r);
    cr_assert_eq(spp_json_count(spp_json_pointer(spp_json_doc_root(d), "/tags")), 0);
    cr_assert_eq(kind_at(d, "/metadata"), SPP_JSON_OBJECT);
    cr_assert_eq(spp_json_count(spp_json_pointer(spp_json_doc_root(d), "/metadata")), 0);
    cr_assert_eq(spp_json_count(spp_json_pointer(spp_json_doc_root(d), "/employees")), 2);
    spp_json_doc_free(d);
    resp_free(&r);
    spp_mock_stop(m);
}

Test(mock, fault_status_answers_the_planted_code_with_json)
{
    struct spp_mock *m = start1("status:418");
    struct resp r = put(m, "{}");
    cr_assert_eq(r.status, 418);
    cr_assert_str_eq(r.ctype, "application/json");
    struct spp_json_doc *d = parse(&r);
    spp_json_doc_free(d);
    resp_free(&r);
    r = req(m, "PUT", TICKET_PATH, NULL, NULL, "{}", 2);
    cr_assert_eq(r.status, 401, "unauthenticated requests are not 'valid'");
    resp_free(&r);
    spp_mock_stop(m);
}

Test(mock, fault_delay_sleeps_before_answering)
{
    struct spp_mock *m = start1("delay:400");
    struct resp r = put(m, "{}");
    cr_assert_eq(r.status, 200);
    cr_assert(r.seconds >= 0.4, "took %.3f s", r.seconds);
    resp_free(&r);
    spp_mock_stop(m);
}

Test(mock, stop_cuts_a_long_delay_short)
{
    struct spp_mock *m = start1("delay:60000");
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    spp_mock_stop(m); /* nothing in flight; must return promptly */
    clock_gettime(CLOCK_MONOTONIC, &t1);
    cr_assert(t1.tv_sec - t0.tv_sec < 10);
}

Test(mock, fault_close_mid_body_is_a_transport_error)
{
    struct spp_mock *m = start1("close-mid-body");
    struct resp r = put(m, "{}");
    cr_assert_neq(r.rc, CURLE_OK, "got a whole body of %zu bytes", r.len);
    cr_assert(r.rc == CURLE_PARTIAL_FILE || r.rc == CURLE_RECV_ERROR, "%s",
              curl_easy_strerror(r.rc));
    resp_free(&r);
    spp_mock_stop(m);
}

Test(mock, fault_extra_field_adds_an_undocumented_property)
{
    const char *specs[] = {"extra-field:/x_drift", "extra-field:/order/client/x_more"};
    struct spp_mock *m = start_with(specs, 2, NULL);
    struct resp r = put(m, "{}");
    struct spp_json_doc *d = parse(&r);
    cr_assert_not_null(spp_json_pointer(spp_json_doc_root(d), "/x_drift"));
    cr_assert_not_null(spp_json_pointer(spp_json_doc_root(d), "/order/client/x_more"));
    cr_assert_not_null(spp_json_pointer(spp_json_doc_root(d), "/order/client/email"));
    spp_json_doc_free(d);
    resp_free(&r);
    spp_mock_stop(m);
}

Test(mock, fault_parse_rejects_bad_specs_with_a_clear_error)
{
    const char *bad[] = {"",
                         "nope",
                         "drop",
                         "drop:",
                         "drop:order",
                         "body-array:x",
                         "status:99",
                         "status:abc",
                         "delay:60001",
                         "delay:-1",
                         "no-header:X-Foo",
                         "error-500:nope",
                         "drop:/a@1999-01-01",
                         "drop:/a~2"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct spp_mock_fault f;
        struct spp_err e;
        spp_err_clear(&e);
        cr_assert_eq(spp_mock_fault_parse(bad[i], &f, &e), SPP_EUSAGE, "'%s' accepted", bad[i]);
        cr_assert(e.msg[0] != '\0');
    }
    struct spp_mock_fault f;
    cr_assert_eq(spp_mock_fault_parse("delay:250@20231214", &f, NULL), SPP_OK);
    cr_assert_eq(f.kind, SPP_MOCK_FAULT_DELAY);
    cr_assert_eq(f.num, 250);
    cr_assert_str_eq(f.version, "2023-12-14");
    cr_assert_eq(spp_mock_fault_parse("no-header:x-api-identifier", &f, NULL), SPP_OK);
    cr_assert_str_eq(f.arg, "X-Api-Identifier");
}

Test(mock, fault_table_names_the_check_that_must_catch_each_fault)
{
    struct {
        const char *name;
        const char *check;
    } want[] = {{"drop", "response_schema_conformance"},
                {"retype", "response_schema_conformance"},
                {"bad-date", "response_schema_conformance"},
                {"body-array", "response_schema_conformance"},
                {"body-truncated", "response_schema_conformance"},
                {"content-type", "content_type_conformance"},
                {"no-header", "response_headers_conformance"},
                {"accept-invalid", "negative_data_rejection"},
                {"ignore-auth", "ignored_auth"},
                {"found-unknown", "not_found_conformance"},
                {"error-500", "not_a_server_error"},
                {"no-update", "update_applied"},
                {"reset-omitted", "omitted_fields_unchanged"},
                {"status", "status_code_conformance"},
                {"delay", "max_response_time"},
                {"close-mid-body", "transport_error"},
                {"extra-field", ""}};
    size_t n = 0;
    const struct spp_mock_fault_info *t = spp_mock_list_faults(&n);
    cr_assert_eq(n, sizeof(want) / sizeof(want[0]));
    for (size_t i = 0; i < n; i++) {
        cr_assert_str_eq(t[i].name, want[i].name);
        cr_assert_str_eq(t[i].check, want[i].check, "%s", t[i].name);
        cr_assert(t[i].what && t[i].what[0]);
    }
}

Test(mock, status_map_is_json_of_ids_to_names)
{
    char *s = spp_mock_status_map_json();
    cr_assert_not_null(s);
    struct spp_json_doc *d = NULL;
    cr_assert_eq(spp_json_parse(s, strlen(s), NULL, &d, NULL), SPP_OK);
    cr_assert_str_eq(str_at(d, "/1"), "Open");
    cr_assert_str_eq(str_at(d, "/2"), "Pending");
    cr_assert_str_eq(str_at(d, "/3"), "Closed");
    spp_json_doc_free(d);
    free(s);
}

/* ---- replay -------------------------------------------------------------------------------- */

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

static void remove_dir(const char *dir)
{
    const char *names[] = {"bbb.json", "bbb.meta.json", "aaa.json", "aaa.meta.json"};
    char path[512];
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

Test(mock, replay_serves_recordings_in_sorted_order_cycling)
{
    char dir[] = "/tmp/spp-mock-replay-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    write_file(dir, "bbb.json", "{\"second\":true}");
    write_file(dir, "bbb.meta.json",
               "{\"status\":422,\"headers\":{\"Content-Type\":\"application/problem+json\","
               "\"X-Api-Version\":\"20231214\"}}");
    write_file(dir, "aaa.json", "{\"first\":true}");
    write_file(dir, "aaa.meta.json",
               "{\"status\":200,\"headers\":{\"Content-Type\":\"application/json\"}}");
    struct spp_mock *m = start_with(NULL, 0, dir);
    long want_status[] = {200, 422, 200};
    const char *want_body[] = {"{\"first\":true}", "{\"second\":true}", "{\"first\":true}"};
    for (size_t i = 0; i < 3; i++) {
        struct resp r = put(m, "{\"subject\":\"ignored\"}");
        cr_assert_eq(r.status, want_status[i]);
        cr_assert_str_eq(r.body, want_body[i]);
        resp_free(&r);
    }
    struct resp r = req(m, "PUT", TICKET_PATH, NULL, NULL, "{}", 2);
    cr_assert_eq(r.status, 401);
    resp_free(&r);
    r = req(m, "PUT", "/api/tickets/OTHER", TOKEN, NULL, "{}", 2);
    cr_assert_eq(r.status, 404);
    resp_free(&r);
    spp_mock_stop(m);
    remove_dir(dir);
}

Test(mock, replay_refuses_a_missing_or_empty_folder)
{
    struct spp_mock_opts o = {.token = TOKEN, .replay_dir = "/nonexistent/spp-replay"};
    struct spp_mock *m = NULL;
    struct spp_err e;
    cr_assert_eq(spp_mock_start(&o, &m, &e), SPP_EIO);
    cr_assert_null(m);
    char dir[] = "/tmp/spp-mock-empty-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    o.replay_dir = dir;
    cr_assert_eq(spp_mock_start(&o, &m, &e), SPP_EIO);
    cr_assert(strstr(e.msg, "no recorded"), "%s", e.msg);
    rmdir(dir);
}

/* ---- library edges ------------------------------------------------------------------------- */

static int listen_any(unsigned *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert(fd >= 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    cr_assert_eq(listen(fd, 4), 0);
    socklen_t sl = sizeof(sa);
    getsockname(fd, (struct sockaddr *)&sa, &sl);
    *port = ntohs(sa.sin_port);
    return fd;
}

Test(mock, start_reports_a_busy_port_and_stop_accepts_null)
{
    unsigned port = 0;
    int fd = listen_any(&port);
    struct spp_mock_opts o = {.token = TOKEN, .port = port};
    struct spp_mock *m = NULL;
    struct spp_err e;
    cr_assert_eq(spp_mock_start(&o, &m, &e), SPP_EIO);
    cr_assert(strstr(e.msg, "in use"), "%s", e.msg);
    cr_assert_null(m);
    close(fd);
    o.token = NULL;
    cr_assert_eq(spp_mock_start(&o, &m, &e), SPP_EINVAL);
    spp_mock_stop(NULL);
}

/* ---- the binary ---------------------------------------------------------------------------- */

struct child {
    pid_t pid;
    FILE *out;
    int err_fd;
};

/* Starts SPP_HARNESS_BIN with argv and env (NULL-terminated "K=V" list, replacing SPP_TOKEN). */
static struct child spawn(const char *const *args, const char *token)
{
    int out[2], err[2];
    cr_assert_eq(pipe(out), 0);
    cr_assert_eq(pipe(err), 0);
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        dup2(out[1], 1);
        dup2(err[1], 2);
        close(out[0]);
        close(err[0]);
        if (token)
            setenv("SPP_TOKEN", token, 1);
        else
            unsetenv("SPP_TOKEN");
        char *argv[16];
        size_t n = 0;
        argv[n++] = (char *)(uintptr_t)SPP_HARNESS_BIN;
        for (; args[n - 1] && n < 15; n++)
            argv[n] = (char *)(uintptr_t)args[n - 1];
        argv[n] = NULL;
        execv(SPP_HARNESS_BIN, argv);
        _exit(127);
    }
    close(out[1]);
    close(err[1]);
    struct child c = {.pid = pid, .out = fdopen(out[0], "r"), .err_fd = err[0]};
    cr_assert_not_null(c.out);
    return c;
}

static char *drain(int fd)
{
    size_t len = 0, cap = 4096;
    char *buf = malloc(cap);
    cr_assert_not_null(buf);
    ssize_t n;
    while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
        len += (size_t)n;
        if (len + 1 == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            cr_assert_not_null(buf);
        }
    }
    buf[len] = '\0';
    close(fd);
    return buf;
}

static int wait_exit(pid_t pid)
{
    int st = 0;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    cr_assert(WIFEXITED(st), "did not exit normally (status %d)", st);
    return WEXITSTATUS(st);
}

Test(mock, binary_prints_its_url_serves_and_stops_cleanly_on_sigterm)
{
    const char *args[] = {"mock", "--listen", "127.0.0.1:0", "--fault", "extra-field:/x_bin", NULL};
    const char *token = "bin-secret-token-8d2e";
    struct child c = spawn(args, token);
    char line[256] = "";
    cr_assert_not_null(fgets(line, sizeof(line), c.out), "no URL printed");
    line[strcspn(line, "\n")] = '\0';
    cr_assert(strncmp(line, "http://127.0.0.1:", 17) == 0, "%s", line);
    unsigned port = (unsigned)atoi(line + 17);
    cr_assert(port > 0);

    CURL *h = curl_easy_init();
    char url[300];
    snprintf(url, sizeof(url), "%s%s", line, TICKET_PATH);
    struct resp r;
    memset(&r, 0, sizeof(r));
    struct curl_slist *hd = curl_slist_append(NULL, "Authorization: Bearer bin-secret-token-8d2e");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "PUT");
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, "{\"subject\":\"from the binary\"}");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
    cr_assert_eq(curl_easy_perform(h), CURLE_OK);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(hd);
    curl_easy_cleanup(h);
    cr_assert_eq(r.status, 200);
    cr_assert(strstr(r.body, "\"from the binary\"") && strstr(r.body, "\"x_bin\""));
    resp_free(&r);

    kill(c.pid, SIGTERM);
    cr_assert_eq(wait_exit(c.pid), 0);
    char *rest = drain(fileno(c.out));
    char *errs = drain(c.err_fd);
    cr_assert_null(strstr(rest, token), "token on stdout");
    cr_assert_null(strstr(errs, token), "token on stderr");
    free(rest);
    free(errs);
    fclose(c.out);
}

Test(mock, binary_generates_a_token_without_printing_it_when_none_is_set)
{
    const char *args[] = {"mock", NULL};
    struct child c = spawn(args, NULL);
    char line[256] = "";
    cr_assert_not_null(fgets(line, sizeof(line), c.out));
    cr_assert(strncmp(line, "http://127.0.0.1:", 17) == 0, "%s", line);
    kill(c.pid, SIGINT);
    cr_assert_eq(wait_exit(c.pid), 0);
    char *errs = drain(c.err_fd);
    cr_assert(strstr(errs, "SPP_TOKEN not set; generated a random token"), "%s", errs);
    /* No run of 32+ hex digits (the token's form) anywhere on stderr. */
    size_t run = 0;
    for (const char *p = errs; *p; p++) {
        run = strchr("0123456789abcdef", *p) ? run + 1 : 0;
        cr_assert(run < 32, "something token-like on stderr: %s", errs);
    }
    free(errs);
    fclose(c.out);
}

Test(mock, binary_exits_2_on_a_busy_port_and_bad_options)
{
    unsigned port = 0;
    int fd = listen_any(&port);
    char listen[64];
    snprintf(listen, sizeof(listen), "127.0.0.1:%u", port);
    const char *busy[] = {"mock", "--listen", listen, NULL};
    struct child c = spawn(busy, "t");
    cr_assert_eq(wait_exit(c.pid), 2);
    char *errs = drain(c.err_fd);
    cr_assert(strstr(errs, "in use"), "%s", errs);
    free(errs);
    fclose(c.out);
    close(fd);

    const char *const bad[][4] = {{"mock", "--fault", "nope", NULL},
                                  {"mock", "--fault", "drop:x", NULL},
                                  {"mock", "--bogus", NULL, NULL},
                                  {"mock", "--replay", "/nonexistent/dir", NULL},
                                  {"mock", "--fault", "drop:/a@2000-01-01", NULL}};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        c = spawn(bad[i], "t");
        cr_assert_eq(wait_exit(c.pid), 2, "case %zu", i);
        free(drain(c.err_fd));
        fclose(c.out);
    }
}

Test(mock, binary_lists_faults_and_prints_the_status_map)
{
    const char *a1[] = {"mock", "--list-faults", NULL};
    struct child c = spawn(a1, "t");
    char *out = drain(fileno(c.out));
    cr_assert_eq(wait_exit(c.pid), 0);
    size_t lines = 0;
    for (const char *p = out; *p; p++)
        lines += *p == '\n';
    cr_assert_eq(lines, (size_t)SPP_MOCK_FAULT_COUNT, "%s", out);
    cr_assert(strstr(out, "close-mid-body") && strstr(out, "transport_error"), "%s", out);
    free(out);
    free(drain(c.err_fd));
    fclose(c.out);

    const char *a2[] = {"mock", "--print-status-map", NULL};
    c = spawn(a2, "t");
    out = drain(fileno(c.out));
    cr_assert_eq(wait_exit(c.pid), 0);
    cr_assert(strncmp(out, "{\"1\":\"Open\"", 11) == 0, "%s", out);
    free(out);
    free(drain(c.err_fd));
    fclose(c.out);
}

/* ---- the contract -------------------------------------------------------------------------- */

static const struct spp_schema_node *ticket_schema(struct spp_schema **s, struct spp_json_doc **doc)
{
    struct spp_err e;
    cr_assert_eq(spp_json_parse_file(SPP_CONTRACTS_DIR "/tickets.openapi.json", NULL, doc, &e),
                 SPP_OK, "%s", e.msg);
    cr_assert_eq(spp_schema_load(spp_json_doc_root(*doc), "", NULL, s, &e), SPP_OK, "%s", e.msg);
    const struct spp_schema_node *node = NULL;
    cr_assert_eq(spp_schema_at(*s, "/components/schemas/TicketResource", &node, &e), SPP_OK, "%s",
                 e.msg);
    return node;
}

Test(mock, answers_are_valid_against_ticket_resource)
{
    struct spp_schema *s = NULL;
    struct spp_json_doc *contract = NULL;
    const struct spp_schema_node *node = ticket_schema(&s, &contract);
    struct spp_mock *m = start();
    const char *bodies[] = {"{}", "{\"status\":3,\"employees\":[],\"tags\":[],\"order\":\"1003\","
                                  "\"metadata\":[\"a\"],\"subject\":\"\"}"};
    for (size_t i = 0; i < 2; i++) {
        struct resp r = put(m, bodies[i]);
        struct spp_json_doc *d = parse(&r);
        struct spp_schema_result res;
        enum spp_code rc = spp_schema_validate(s, node, spp_json_doc_root(d), &res);
        cr_assert_eq(rc, SPP_OK, "%zu errors, first at %s: %s", res.count,
                     res.count ? res.errors[0].instance_location : "",
                     res.count ? res.errors[0].message : "");
        spp_schema_result_free(&res);
        spp_json_doc_free(d);
        resp_free(&r);
    }
    spp_mock_stop(m);
    spp_schema_free(s);
    spp_json_doc_free(contract);
}

Test(mock, each_schema_fault_makes_the_answer_invalid_at_its_location)
{
    struct spp_schema *s = NULL;
    struct spp_json_doc *contract = NULL;
    const struct spp_schema_node *node = ticket_schema(&s, &contract);
    struct {
        const char *spec;
        const char *where; /* an error must be at this instance location */
    } cases[] = {{"drop:/order/client/address/postcode", "/order/client/address"},
                 {"retype:/id", "/id"},
                 {"retype:/order/client/role/team", "/order/client/role/team"},
                 {"bad-date:/updated_at", "/updated_at"},
                 {"drop:/ticket/subject", "/ticket"},
                 {"body-array", ""}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct spp_mock *m = start1(cases[i].spec);
        struct resp r = put(m, "{}");
        struct spp_json_doc *d = parse(&r);
        struct spp_schema_result res;
        enum spp_code rc = spp_schema_validate(s, node, spp_json_doc_root(d), &res);
        cr_assert_eq(rc, SPP_EINVALID, "%s: still valid", cases[i].spec);
        bool at = false;
        for (size_t k = 0; k < res.count; k++)
            at = at || strcmp(res.errors[k].instance_location, cases[i].where) == 0;
        cr_assert(at, "%s: no error at '%s' (first: '%s')", cases[i].spec, cases[i].where,
                  res.count ? res.errors[0].instance_location : "");
        spp_schema_result_free(&res);
        spp_json_doc_free(d);
        resp_free(&r);
        spp_mock_stop(m);
    }
    spp_schema_free(s);
    spp_json_doc_free(contract);
}
