/*
 * mutator_opts — required-property patterns and a dictionary from the model
 * tables. See mutator_opts.h.
 */
#include "mutator_opts.h"

#include <stdio.h>
#include <string.h>

#include "model.h"

/* Patterns kept: TicketResource has ~190 required properties within three levels. */
#define MAX_REQUIRED 1024
/* Levels of nested structs followed: the root, its structs, theirs (ticket recursion stops). */
#define MAX_LEVELS 3
#define MAX_NAMES  512
#define AT_MAX     128

struct tables {
    struct spp_mutate_required required[MAX_REQUIRED];
    char at[MAX_REQUIRED][AT_MAX];
    size_t nrequired;
    const char *names[MAX_NAMES];
    size_t nnames;
};

static void add_required(struct tables *t, const struct spp_model_desc *d, const char *at,
                         size_t level)
{
    for (size_t i = 0; i < d->nfields; i++) {
        const struct spp_model_field *f = &d->fields[i];
        if (f->required && t->nrequired < MAX_REQUIRED) {
            (void)snprintf(t->at[t->nrequired], AT_MAX, "%s", at);
            t->required[t->nrequired].at = t->at[t->nrequired];
            t->required[t->nrequired].name = f->name;
            t->nrequired++;
        }
        if (!f->nested || level + 1 >= MAX_LEVELS)
            continue;
        char sub[AT_MAX];
        int n = f->type == SPP_MODEL_ARRAY_STRUCT
                    ? snprintf(sub, sizeof(sub), "%s/%s/*", at, f->name)
                    : snprintf(sub, sizeof(sub), "%s/%s", at, f->name);
        if (n > 0 && (size_t)n < sizeof(sub))
            add_required(t, f->nested, sub, level + 1);
    }
}

static void add_names(struct tables *t)
{
    for (size_t k = 0; k < spp_model_desc_count(); k++) {
        const struct spp_model_desc *d = spp_model_desc_at(k);
        for (size_t i = 0; d && i < d->nfields; i++) {
            size_t j = 0;
            while (j < t->nnames && strcmp(t->names[j], d->fields[i].name) != 0)
                j++;
            if (j == t->nnames && t->nnames < MAX_NAMES)
                t->names[t->nnames++] = d->fields[i].name;
        }
    }
}

void spp_fuzz_mutator_options(const char *target, struct spp_mutate_options *opt)
{
    /* One target per process: built on first use, read-only afterwards. */
    static struct tables t;
    static const struct spp_model_desc *built;
    const struct spp_model_desc *d = NULL;

    memset(opt, 0, sizeof(*opt));
    if (target && strcmp(target, "fuzz_response") == 0)
        d = &spp_model_ticket;
    else if (target && strcmp(target, "fuzz_request") == 0)
        d = &spp_model_save_ticket_request;
    if (!d)
        return;
    if (built != d) {
        memset(&t, 0, sizeof(t));
        add_required(&t, d, "", 0);
        add_names(&t);
        built = d;
    }
    opt->required = t.required;
    opt->required_len = t.nrequired;
    opt->dictionary = t.names;
    opt->dictionary_len = t.nnames;
}
