/*
 * model_tables — the descriptor table of every model struct, generated from
 * the X-macro field lists in model.h (so a table entry and its struct member
 * come from one line), plus lookup by contract component name.
 *
 * The tables are const data; the only recursion between them is
 * TicketResource.ticket (STRUCT_OR_NULL), which the codec bounds with
 * SPP_MODEL_MAX_TICKET_DEPTH.
 */
#include "model.h"

#include <stdint.h>
#include <string.h>

#define SPP_MODEL_REQUIRED_REQ true
#define SPP_MODEL_REQUIRED_OPT false

#define SPP_MODEL_NESTED_INT(n)            NULL
#define SPP_MODEL_NESTED_NUMBER(n)         NULL
#define SPP_MODEL_NESTED_STRING(n)         NULL
#define SPP_MODEL_NESTED_NSTRING(n)        NULL
#define SPP_MODEL_NESTED_BOOL(n)           NULL
#define SPP_MODEL_NESTED_DATETIME(n)       NULL
#define SPP_MODEL_NESTED_OBJECT(n)         NULL
#define SPP_MODEL_NESTED_STRUCT(n)         (&spp_model_##n)
#define SPP_MODEL_NESTED_STRUCT_OR_NULL(n) (&spp_model_##n)
#define SPP_MODEL_NESTED_ARRAY_INT(n)      NULL
#define SPP_MODEL_NESTED_ARRAY_STRING(n)   NULL
#define SPP_MODEL_NESTED_ARRAY_STRUCT(n)   (&spp_model_##n)
#define SPP_MODEL_NESTED_ARRAY_OBJECT(n)   NULL

#define SPP_MODEL_FIELD(P, f, T, r, n)                                                             \
    {#f, offsetof(struct spp_##P, f), SPP_MODEL_##T, SPP_MODEL_REQUIRED_##r,                       \
     SPP_MODEL_NESTED_##T(n)},

#define SPP_MODEL_TABLE(tag, component, LIST)                                                      \
    static const struct spp_model_field tag##_fields[] = {LIST(SPP_MODEL_FIELD, tag)};             \
    const struct spp_model_desc spp_model_##tag = {component, sizeof(struct spp_##tag),            \
                                                   tag##_fields,                                   \
                                                   sizeof(tag##_fields) / sizeof(tag##_fields[0])}

SPP_MODEL_TABLE(ticket, "TicketResource", SPP_MODEL_FIELDS_TICKET);
SPP_MODEL_TABLE(ticket_employee, "TicketEmployee", SPP_MODEL_FIELDS_TICKET_EMPLOYEE);
SPP_MODEL_TABLE(message, "Message", SPP_MODEL_FIELDS_MESSAGE);
SPP_MODEL_TABLE(index_order, "IndexOrder", SPP_MODEL_FIELDS_INDEX_ORDER);
SPP_MODEL_TABLE(user, "User", SPP_MODEL_FIELDS_USER);
SPP_MODEL_TABLE(address, "Address", SPP_MODEL_FIELDS_ADDRESS);
SPP_MODEL_TABLE(role, "Role", SPP_MODEL_FIELDS_ROLE);
SPP_MODEL_TABLE(user_manager, "UserManager", SPP_MODEL_FIELDS_USER_MANAGER);
SPP_MODEL_TABLE(subscription, "Subscription", SPP_MODEL_FIELDS_SUBSCRIPTION);
SPP_MODEL_TABLE(invoice, "Invoice", SPP_MODEL_FIELDS_INVOICE);
SPP_MODEL_TABLE(invoice_item, "InvoiceItem", SPP_MODEL_FIELDS_INVOICE_ITEM);
SPP_MODEL_TABLE(service, "Service", SPP_MODEL_FIELDS_SERVICE);
SPP_MODEL_TABLE(rating, "Rating", SPP_MODEL_FIELDS_RATING);
SPP_MODEL_TABLE(addon, "Addon", SPP_MODEL_FIELDS_ADDON);
SPP_MODEL_TABLE(links, "Links", SPP_MODEL_FIELDS_LINKS);
SPP_MODEL_TABLE(save_ticket_request, "SaveTicketRequest", SPP_MODEL_FIELDS_SAVE_TICKET_REQUEST);

/* In the contract's component order. */
static const struct spp_model_desc *const all_descs[] = {
    &spp_model_ticket,       &spp_model_ticket_employee,
    &spp_model_message,      &spp_model_index_order,
    &spp_model_user,         &spp_model_address,
    &spp_model_role,         &spp_model_user_manager,
    &spp_model_subscription, &spp_model_invoice,
    &spp_model_invoice_item, &spp_model_service,
    &spp_model_rating,       &spp_model_addon,
    &spp_model_links,        &spp_model_save_ticket_request,
};

size_t spp_model_desc_count(void)
{
    return sizeof(all_descs) / sizeof(all_descs[0]);
}

const struct spp_model_desc *spp_model_desc_at(size_t index)
{
    return index < spp_model_desc_count() ? all_descs[index] : NULL;
}

const struct spp_model_desc *spp_model_find_desc(const char *component)
{
    if (!component)
        return NULL;
    for (size_t i = 0; i < spp_model_desc_count(); i++)
        if (strcmp(all_descs[i]->name, component) == 0)
            return all_descs[i];
    return NULL;
}

const struct spp_model_field *spp_model_find_field(const struct spp_model_desc *desc,
                                                   const char *name, size_t *index)
{
    if (index)
        *index = SIZE_MAX;
    if (!desc || !name)
        return NULL;
    for (size_t i = 0; i < desc->nfields; i++) {
        if (strcmp(desc->fields[i].name, name) == 0) {
            if (index)
                *index = i;
            return &desc->fields[i];
        }
    }
    return NULL;
}

static const char *const type_names[] = {
    "INT",          "NUMBER",       "STRING",       "NSTRING",        "BOOL",
    "DATETIME",     "OBJECT",       "STRUCT",       "STRUCT_OR_NULL", "ARRAY_INT",
    "ARRAY_STRING", "ARRAY_STRUCT", "ARRAY_OBJECT",
};
_Static_assert(sizeof(type_names) / sizeof(type_names[0]) == SPP_MODEL_ARRAY_OBJECT + 1,
               "one name per enum spp_model_type");

const char *spp_model_type_name(enum spp_model_type type)
{
    if ((size_t)type >= sizeof(type_names) / sizeof(type_names[0]))
        return "unknown";
    return type_names[type];
}
