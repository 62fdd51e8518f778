/*
 * mock_data — the data the mock serves: a complete, realistic TicketResource
 * (every nested schema of the contract present: order with client, address,
 * role and managers, subscription, invoice with items and billing address,
 * order_service, addons, ratings, messages; the ticket's messages, client and
 * metadata), and the fixed tables (statuses, employees, orders).
 *
 * Texts, dates and amounts come from a splitmix64 generator seeded with the
 * caller's seed, so a seed reproduces a body byte for byte (except the
 * timestamps the server sets). Ids and tables are fixed so scripts can use
 * them. Builders use a sticky out-of-memory flag: every helper is a no-op
 * once an allocation failed, and the caller checks the flag once.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "mock_int.h"

static const struct spp_mock_status statuses[] = {
    {1, "Open"}, {2, "Pending"}, {3, "Closed"}, {4, "On hold"}, {5, "Resolved"},
};
static const long employee_ids[] = {2, 3, 5, 8};
static const char *const employee_names[][2] = {
    {"Alice", "Moreau"}, {"Bruno", "Silva"}, {"Chen", "Wei"}, {"Dana", "Kowalski"}};
static const long order_ids[] = {1001, 1002, 1003};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

const struct spp_mock_status *spp_mock_statuses(size_t *count)
{
    if (count)
        *count = NELEM(statuses);
    return statuses;
}

const long *spp_mock_employee_ids(size_t *count)
{
    if (count)
        *count = NELEM(employee_ids);
    return employee_ids;
}

const long *spp_mock_order_ids(size_t *count)
{
    if (count)
        *count = NELEM(order_ids);
    return order_ids;
}

char *spp_mock_status_map_json(void)
{
    struct spp_json *o = spp_json_new_object();
    if (!o)
        return NULL;
    for (size_t i = 0; i < NELEM(statuses); i++) {
        char key[16];
        snprintf(key, sizeof(key), "%d", statuses[i].id);
        if (spp_json_set(o, key, spp_json_new_string(statuses[i].name)) != SPP_OK) {
            spp_json_free(o);
            return NULL;
        }
    }
    char *s = spp_json_print(o, false, NULL);
    spp_json_free(o);
    return s;
}

void spp_mock_format_time(time_t t, char buf[SPP_MOCK_DATE_MAX])
{
    struct tm tm;
    if (!gmtime_r(&t, &tm)) {
        snprintf(buf, SPP_MOCK_DATE_MAX, "1970-01-01T00:00:00+00:00");
        return;
    }
    if (strftime(buf, SPP_MOCK_DATE_MAX, "%Y-%m-%dT%H:%M:%S+00:00", &tm) == 0)
        snprintf(buf, SPP_MOCK_DATE_MAX, "1970-01-01T00:00:00+00:00");
}

struct gen {
    uint64_t s;
    bool oom;
};

static uint64_t rnd(struct gen *g)
{
    uint64_t z = (g->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static size_t pick(struct gen *g, size_t n)
{
    return (size_t)(rnd(g) % n);
}

/* 2021-09-01T00:00:00Z: the date the API reference uses in its examples. */
#define BASE_TIME ((time_t)1630454400)
#define DAY       ((time_t)86400)

static time_t some_time(struct gen *g, long max_days)
{
    return BASE_TIME + (time_t)pick(g, (size_t)max_days) * DAY + (time_t)pick(g, 86400);
}

static void put(struct gen *g, struct spp_json *o, const char *k, struct spp_json *v)
{
    if (g->oom || !o) {
        spp_json_free(v);
        g->oom = true;
        return;
    }
    if (spp_json_set(o, k, v) != SPP_OK)
        g->oom = true;
}

static void add(struct gen *g, struct spp_json *a, struct spp_json *v)
{
    if (g->oom || !a) {
        spp_json_free(v);
        g->oom = true;
        return;
    }
    if (spp_json_append(a, v) != SPP_OK)
        g->oom = true;
}

static void s(struct gen *g, struct spp_json *o, const char *k, const char *v)
{
    put(g, o, k, spp_json_new_string(v));
}
static void n(struct gen *g, struct spp_json *o, const char *k, double v)
{
    put(g, o, k, spp_json_new_number(v));
}
static void b(struct gen *g, struct spp_json *o, const char *k, bool v)
{
    put(g, o, k, spp_json_new_bool(v));
}
static void t(struct gen *g, struct spp_json *o, const char *k, time_t v)
{
    char buf[SPP_MOCK_DATE_MAX];
    spp_mock_format_time(v, buf);
    s(g, o, k, buf);
}

static const char *const first_names[] = {"John",  "Maria", "Aiko",  "Liam",
                                          "Sofia", "Noah",  "Amara", "Lucas"};
static const char *const last_names[] = {"Doe",   "Garcia", "Tanaka", "Murphy",
                                         "Rossi", "Jensen", "Okafor", "Novak"};
static const char *const companies[] = {"Example Inc.", "Acme Corp.", "Northwind Ltd.",
                                        "Globex GmbH"};
static const char *const cities[][3] = {{"New York", "NY", "US"},
                                        {"Austin", "TX", "US"},
                                        {"Toronto", "ON", "CA"},
                                        {"Dublin", "D", "IE"}};
static const char *const phrases[] = {
    "Thanks for reaching out, we are looking into it.",
    "Could you send a screenshot of the error?",
    "The invoice was re-issued with the corrected billing address.",
    "I still cannot log in to the client portal after the password reset.",
    "We have escalated this to the engineering team.",
    "Please confirm the order details so we can proceed.",
    "The deliverables are attached; let us know what you think.",
    "Can we move the due date to next Friday?",
};

static struct spp_json *address(struct gen *g, const char *fn, const char *ln, const char *co)
{
    struct spp_json *a = spp_json_new_object();
    const char *const *city = cities[pick(g, NELEM(cities))];
    char line[64], post[16];
    snprintf(line, sizeof(line), "%u Main St", (unsigned)(1 + pick(g, 999)));
    snprintf(post, sizeof(post), "%05u", (unsigned)(10000 + pick(g, 89999)));
    s(g, a, "line_1", line);
    s(g, a, "line_2", "Suite 100");
    s(g, a, "city", city[0]);
    s(g, a, "country", city[2]);
    s(g, a, "state", city[1]);
    s(g, a, "postcode", post);
    s(g, a, "name_f", fn);
    s(g, a, "name_l", ln);
    s(g, a, "tax_id", "123456789");
    s(g, a, "company_name", co);
    s(g, a, "company_vat", "EU123456789");
    return a;
}

static struct spp_json *role(struct gen *g, long id, const char *name)
{
    static const char *const ints[] = {"dashboard_access",
                                       "affiliates",
                                       "clients",
                                       "coupons",
                                       "forms",
                                       "invoice_access",
                                       "invoice_management",
                                       "messaging",
                                       "order_access",
                                       "order_management",
                                       "rank_tracking",
                                       "services",
                                       "ticket_access",
                                       "ticket_management"};
    static const char *const bools[] = {"team",
                                        "settings",
                                        "settings_company",
                                        "settings_payments",
                                        "settings_team",
                                        "settings_modules",
                                        "settings_integrations",
                                        "settings_orders",
                                        "settings_tickets",
                                        "settings_accounts",
                                        "settings_messages",
                                        "settings_tags",
                                        "settings_sidebar",
                                        "settings_dashboard",
                                        "settings_templates",
                                        "settings_emails",
                                        "settings_language",
                                        "settings_logs"};
    struct spp_json *r = spp_json_new_object();
    n(g, r, "id", (double)id);
    s(g, r, "name", name);
    t(g, r, "created_at", BASE_TIME - 30 * DAY);
    for (size_t i = 0; i < NELEM(ints); i++)
        n(g, r, ints[i], id == 1 ? 3 : 1);
    for (size_t i = 0; i < NELEM(bools); i++)
        b(g, r, bools[i], id == 1);
    t(g, r, "updated_at", BASE_TIME - 30 * DAY);
    return r;
}

static struct spp_json *user(struct gen *g, long id)
{
    const char *fn = first_names[pick(g, NELEM(first_names))];
    const char *ln = last_names[pick(g, NELEM(last_names))];
    const char *co = companies[pick(g, NELEM(companies))];
    char buf[128];
    struct spp_json *u = spp_json_new_object();
    n(g, u, "id", (double)id);
    n(g, u, "aff_id", (double)(1 + pick(g, 50)));
    snprintf(buf, sizeof(buf), "https://example.spp.co/r/%08llX",
             (unsigned long long)(rnd(g) & 0xFFFFFFFFu));
    s(g, u, "aff_link", buf);
    t(g, u, "created_at", some_time(g, 30) - 60 * DAY);
    s(g, u, "name_f", fn);
    s(g, u, "name_l", ln);
    snprintf(buf, sizeof(buf), "%s.%s%ld@example.org", fn, ln, id);
    for (char *p = buf; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    s(g, u, "email", buf);
    s(g, u, "company", co);
    s(g, u, "tax_id", "123456789");
    snprintf(buf, sizeof(buf), "+1 555 %04u", (unsigned)pick(g, 10000));
    s(g, u, "phone", buf);
    put(g, u, "address", address(g, fn, ln, co));
    s(g, u, "note", "Prefers e-mail over phone calls.");
    n(g, u, "balance", (double)pick(g, 10000) / 100.0);
    s(g, u, "optin", "Yes");
    snprintf(buf, sizeof(buf), "cus_%012llx", (unsigned long long)(rnd(g) & 0xFFFFFFFFFFFFull));
    s(g, u, "stripe_id", buf);
    struct spp_json *cf = spp_json_new_object();
    s(g, cf, "website", "https://example.org");
    put(g, u, "custom_fields", cf);
    n(g, u, "status", 1);
    n(g, u, "role_id", 2);
    put(g, u, "role", role(g, 2, "Client"));
    snprintf(buf, sizeof(buf), "%s %s", fn, ln);
    s(g, u, "name", buf);
    snprintf(buf, sizeof(buf), "%u.00", (unsigned)(100 + pick(g, 5000)));
    s(g, u, "spent", buf);
    n(g, u, "employee_id", (double)employee_ids[0]);
    struct spp_json *mgrs = spp_json_new_array();
    for (size_t i = 0; i < 2; i++) {
        struct spp_json *m = spp_json_new_object();
        n(g, m, "id", (double)employee_ids[i]);
        snprintf(buf, sizeof(buf), "%s %s", employee_names[i][0], employee_names[i][1]);
        s(g, m, "name", buf);
        s(g, m, "name_f", employee_names[i][0]);
        s(g, m, "name_l", employee_names[i][1]);
        snprintf(buf, sizeof(buf), "staff%ld@example.spp.co", employee_ids[i]);
        s(g, m, "email", buf);
        n(g, m, "role_id", 1);
        add(g, mgrs, m);
    }
    put(g, u, "managers", mgrs);
    snprintf(buf, sizeof(buf), "%u.%u", (unsigned)(100000000 + pick(g, 899999999)),
             (unsigned)(1600000000 + pick(g, 99999999)));
    s(g, u, "ga_cid", buf);
    struct spp_json *own = spp_json_new_array();
    add(g, own, spp_json_new_number((double)id));
    put(g, u, "team_owner_ids", own);
    put(g, u, "team_member_ids", spp_json_new_array());
    return u;
}

static struct spp_json *message(struct gen *g, long id, long user_id, time_t when)
{
    struct spp_json *m = spp_json_new_object();
    n(g, m, "id", (double)id);
    n(g, m, "user_id", (double)user_id);
    t(g, m, "created_at", when);
    s(g, m, "message", phrases[pick(g, NELEM(phrases))]);
    b(g, m, "staff_only", pick(g, 4) == 0);
    struct spp_json *files = spp_json_new_array();
    if (pick(g, 3) == 0)
        add(g, files, spp_json_new_string("https://example.spp.co/files/screenshot.png"));
    put(g, m, "files", files);
    return m;
}

static struct spp_json *tags(struct gen *g, const char *a, const char *c)
{
    struct spp_json *arr = spp_json_new_array();
    add(g, arr, spp_json_new_string(a));
    add(g, arr, spp_json_new_string(c));
    return arr;
}

static struct spp_json *service(struct gen *g, long id)
{
    struct spp_json *sv = spp_json_new_object();
    double price = (double)(50 + pick(g, 950));
    char buf[64];
    n(g, sv, "id", (double)id);
    s(g, sv, "name", "Website maintenance");
    s(g, sv, "description", "Monthly updates, backups and uptime monitoring.");
    s(g, sv, "image", "https://example.spp.co/images/service.png");
    b(g, sv, "recurring", true);
    n(g, sv, "price", price);
    snprintf(buf, sizeof(buf), "$%.2f", price);
    s(g, sv, "pretty_price", buf);
    s(g, sv, "currency", "USD");
    n(g, sv, "f_price", price);
    n(g, sv, "f_period_l", 1);
    s(g, sv, "f_period_t", "month");
    n(g, sv, "r_price", price);
    n(g, sv, "r_period_l", 1);
    s(g, sv, "r_period_t", "month");
    s(g, sv, "recurring_action", "Cancel");
    b(g, sv, "multi_order", true);
    b(g, sv, "request_orders", false);
    struct spp_json *oc = spp_json_new_array();
    add(g, oc, spp_json_new_number(1));
    put(g, sv, "option_categories", oc);
    put(g, sv, "option_variants", spp_json_new_array());
    n(g, sv, "deadline", 7);
    b(g, sv, "public", true);
    n(g, sv, "sort_order", 1);
    s(g, sv, "braintree_plan_id", "plan_monthly");
    b(g, sv, "group_quantities", false);
    put(g, sv, "addon_to", spp_json_new_array());
    n(g, sv, "folder_id", 1);
    put(g, sv, "metadata", spp_json_new_object());
    s(g, sv, "hoth_product_key", "none");
    s(g, sv, "hoth_package_name", "none");
    t(g, sv, "created_at", BASE_TIME - 90 * DAY);
    t(g, sv, "updated_at", BASE_TIME - 10 * DAY);
    n(g, sv, "provider_id", 1);
    n(g, sv, "provider_service_id", 1);
    t(g, sv, "deleted_at", BASE_TIME + 365 * DAY);
    put(g, sv, "media", spp_json_new_array());
    return sv;
}

static struct spp_json *invoice(struct gen *g, long id, long order_id, long client_id)
{
    struct spp_json *inv = spp_json_new_object();
    char num[32], buf[160];
    snprintf(num, sizeof(num), "%08llX", (unsigned long long)(rnd(g) & 0xFFFFFFFFu));
    double sub = (double)(50 + pick(g, 950));
    n(g, inv, "id", (double)id);
    s(g, inv, "number", num);
    s(g, inv, "number_prefix", "SPP-");
    put(g, inv, "client", user(g, client_id));
    struct spp_json *items = spp_json_new_array();
    for (long i = 0; i < 2; i++) {
        struct spp_json *it = spp_json_new_object();
        n(g, it, "id", (double)(id * 10 + i));
        n(g, it, "invoice_id", (double)id);
        snprintf(buf, sizeof(buf), "%.2f", sub / 2);
        s(g, it, "amount", buf);
        t(g, it, "created_at", BASE_TIME);
        s(g, it, "description", i == 0 ? "Website maintenance" : "Priority support add-on");
        s(g, it, "discount", "0.00");
        s(g, it, "discount2", "0.00");
        s(g, it, "name", i == 0 ? "Website maintenance" : "Priority support");
        put(g, it, "options", spp_json_new_object());
        n(g, it, "order_id", (double)order_id);
        n(g, it, "quantity", 1);
        n(g, it, "service_id", 1);
        s(g, it, "total", buf);
        t(g, it, "updated_at", BASE_TIME);
        add(g, items, it);
    }
    put(g, inv, "items", items);
    put(g, inv, "billing_address", address(g, "John", "Doe", "Example Inc."));
    s(g, inv, "status", "Paid");
    n(g, inv, "status_id", 2);
    t(g, inv, "created_at", BASE_TIME);
    t(g, inv, "date_due", BASE_TIME + 14 * DAY);
    t(g, inv, "date_paid", BASE_TIME + DAY);
    n(g, inv, "credit", 0);
    n(g, inv, "tax", 0);
    s(g, inv, "tax_name", "VAT");
    n(g, inv, "tax_percent", 0);
    s(g, inv, "currency", "USD");
    s(g, inv, "reason", "Monthly subscription");
    s(g, inv, "note", "Thank you for your business.");
    s(g, inv, "ip_address", "203.0.113.7");
    b(g, inv, "loc_confirm", false);
    struct spp_json *rec = spp_json_new_object();
    n(g, rec, "r_period_l", 1);
    s(g, rec, "r_period_t", "M");
    put(g, inv, "recurring", rec);
    n(g, inv, "coupon_id", 0);
    snprintf(buf, sizeof(buf), "ch_%012llx", (unsigned long long)(rnd(g) & 0xFFFFFFFFFFFFull));
    s(g, inv, "transaction_id", buf);
    s(g, inv, "paysys", "Stripe");
    n(g, inv, "subtotal", sub);
    n(g, inv, "total", sub);
    n(g, inv, "employee_id", (double)employee_ids[0]);
    snprintf(buf, sizeof(buf), "https://example.spp.co/invoices/%s?key=%016llx", num,
             (unsigned long long)rnd(g));
    s(g, inv, "view_link", buf);
    snprintf(buf, sizeof(buf), "https://example.spp.co/invoices/%s/download?key=%016llx", num,
             (unsigned long long)rnd(g));
    s(g, inv, "download_link", buf);
    snprintf(buf, sizeof(buf), "https://example.spp.co/thanks/%s?key=%016llx", num,
             (unsigned long long)rnd(g));
    s(g, inv, "thanks_link", buf);
    return inv;
}

/* The ticket's client; orders, subscriptions and invoices belong to the same one. */
#define CLIENT_ID 100

static struct spp_json *order(struct gen *g, long id)
{
    struct spp_json *o = spp_json_new_object();
    time_t created = some_time(g, 20);
    double price = (double)(50 + pick(g, 950));
    n(g, o, "id", (double)id);
    t(g, o, "created_at", created);
    t(g, o, "updated_at", created + 2 * DAY);
    t(g, o, "last_message_at", created + 2 * DAY);
    t(g, o, "date_started", created + DAY);
    t(g, o, "date_completed", created + 10 * DAY);
    t(g, o, "date_due", created + 14 * DAY);
    put(g, o, "client", user(g, CLIENT_ID));
    put(g, o, "tags", tags(g, "website", "monthly"));
    s(g, o, "status", "Working");
    n(g, o, "price", price);
    n(g, o, "quantity", 1);
    n(g, o, "invoice_id", (double)(id + 5000));
    s(g, o, "service", "Website maintenance");
    n(g, o, "service_id", 1);
    n(g, o, "user_id", CLIENT_ID);
    struct spp_json *emps = spp_json_new_array();
    add(g, emps, spp_mock_data_employee(0));
    put(g, o, "employees", emps);
    s(g, o, "note", "Client asked for weekly reports.");
    struct spp_json *fd = spp_json_new_object();
    s(g, fd, "website", "https://example.org");
    put(g, o, "form_data", fd);
    s(g, o, "paysys", "Stripe");
    s(g, o, "currency", "USD");

    struct spp_json *sub = spp_json_new_object();
    char buf[32];
    n(g, sub, "id", (double)(id + 7000));
    snprintf(buf, sizeof(buf), "%08llX", (unsigned long long)(rnd(g) & 0xFFFFFFFFu));
    s(g, sub, "number", buf);
    s(g, sub, "invoice_id", buf);
    s(g, sub, "status", "Active");
    snprintf(buf, sizeof(buf), "sub_%010llu", (unsigned long long)(rnd(g) % 10000000000ull));
    s(g, sub, "processor_id", buf);
    t(g, sub, "current_period_end", created + 30 * DAY);
    struct spp_json *pays = spp_json_new_array();
    struct spp_json *pay = spp_json_new_object();
    n(g, pay, "amount", price);
    t(g, pay, "date", created);
    add(g, pays, pay);
    put(g, sub, "payments", pays);
    struct spp_json *ords = spp_json_new_array();
    snprintf(buf, sizeof(buf), "%ld", id);
    add(g, ords, spp_json_new_string(buf));
    put(g, sub, "orders", ords);
    n(g, sub, "payment_count", 1);
    put(g, sub, "client", user(g, CLIENT_ID));
    put(g, o, "subscription", sub);

    struct spp_json *opts = spp_json_new_object();
    s(g, opts, "pages", "10");
    put(g, o, "options", opts);
    put(g, o, "invoice", invoice(g, id + 5000, id, CLIENT_ID));
    put(g, o, "order_service", service(g, 1));
    struct spp_json *addons = spp_json_new_array();
    struct spp_json *ad = spp_json_new_object();
    n(g, ad, "id", 2);
    struct spp_json *to = spp_json_new_array();
    add(g, to, spp_json_new_number(1));
    put(g, ad, "addon_to", to);
    s(g, ad, "name", "Priority support");
    add(g, addons, ad);
    put(g, o, "addons", addons);
    struct spp_json *ratings = spp_json_new_array();
    struct spp_json *ra = spp_json_new_object();
    n(g, ra, "user_id", CLIENT_ID);
    n(g, ra, "rating", (double)(3 + pick(g, 3)));
    add(g, ratings, ra);
    put(g, o, "ratings", ratings);
    struct spp_json *msgs = spp_json_new_array();
    for (long i = 0; i < 3; i++)
        add(g, msgs,
            message(g, id * 100 + i, i % 2 ? employee_ids[0] : CLIENT_ID,
                    created + (time_t)i * DAY));
    put(g, o, "messages", msgs);
    return o;
}

struct spp_json *spp_mock_data_employee(size_t idx)
{
    if (idx >= NELEM(employee_ids))
        return NULL;
    struct gen g = {0};
    struct spp_json *e = spp_json_new_object();
    n(&g, e, "id", (double)employee_ids[idx]);
    s(&g, e, "name_f", employee_names[idx][0]);
    s(&g, e, "name_l", employee_names[idx][1]);
    n(&g, e, "group_id", 1);
    n(&g, e, "role_id", 1);
    if (g.oom) {
        spp_json_free(e);
        return NULL;
    }
    return e;
}

struct spp_json *spp_mock_data_order(uint64_t seed, size_t idx)
{
    if (idx >= NELEM(order_ids))
        return NULL;
    struct gen g = {.s = seed ^ ((uint64_t)order_ids[idx] * 0x2545F4914F6CDD1Dull)};
    struct spp_json *o = order(&g, order_ids[idx]);
    if (g.oom) {
        spp_json_free(o);
        return NULL;
    }
    return o;
}

struct spp_json *spp_mock_data_ticket(uint64_t seed, time_t now)
{
    struct gen g = {.s = seed};
    struct spp_json *tk = spp_json_new_object();
    time_t created = some_time(&g, 10);
    n(&g, tk, "id", 4242);
    t(&g, tk, "created_at", created);
    t(&g, tk, "updated_at", now);
    t(&g, tk, "last_message_at", created + 9 * DAY);
    t(&g, tk, "date_closed", created + 30 * DAY);
    s(&g, tk, "subject", "Cannot access the client portal");
    n(&g, tk, "user_id", CLIENT_ID);
    struct spp_json *fd = spp_json_new_object();
    s(&g, fd, "field_1", "value_1");
    s(&g, fd, "field_2", "value_2");
    put(&g, tk, "form_data", fd);
    put(&g, tk, "tags", tags(&g, "billing", "urgent"));
    s(&g, tk, "note", "Client reported the issue by e-mail.");
    struct spp_json *emps = spp_json_new_array();
    add(&g, emps, spp_mock_data_employee(0));
    add(&g, emps, spp_mock_data_employee(1));
    put(&g, tk, "employees", emps);
    s(&g, tk, "status", statuses[0].name);
    s(&g, tk, "source", "Email");
    n(&g, tk, "order_id", (double)order_ids[0]);
    struct spp_json *msgs = spp_json_new_array();
    for (long i = 0; i < 10; i++)
        add(&g, msgs,
            message(&g, 9000 + i, i % 2 ? employee_ids[i % 4] : CLIENT_ID,
                    created + (time_t)i * DAY));
    put(&g, tk, "messages", msgs);
    put(&g, tk, "order", spp_mock_data_order(seed, 0));
    put(&g, tk, "client", user(&g, CLIENT_ID));
    struct spp_json *md = spp_json_new_object();
    s(&g, md, "0", "priority:high");
    put(&g, tk, "metadata", md);
    if (g.oom) {
        spp_json_free(tk);
        return NULL;
    }
    return tk;
}
