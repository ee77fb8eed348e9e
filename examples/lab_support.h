/*
 * lab_support.h - opening a context on lab "demo" of the loopback lab, whose
 * lab file's directory an example gets as its only argument (reference 002:
 * open_context(lab="...", search_paths=[...])).
 */
#ifndef OTTO_LAB_SUPPORT_H
#define OTTO_LAB_SUPPORT_H

#include "example_support.h"

/* The context on lab `lab` found in `search_path`, callbacks dispatched as
 * `dispatch` says; NULL (and a message) on failure. */
static inline otto_context *open_lab(const char *lab, const char *search_path, int32_t dispatch) {
    otto_context_opts *opts = NULL;
    otto_context *ctx = NULL;
    int rc = otto_context_opts_new(&opts);

    if (rc == OTTO_OK) rc = otto_context_opts_set_lab(opts, lab);
    if (rc == OTTO_OK) rc = otto_context_opts_add_lab_path(opts, search_path);
    if (rc == OTTO_OK) rc = otto_context_opts_set_dispatch(opts, dispatch);
    if (rc == OTTO_OK) rc = otto_context_new(&ctx, opts);
    otto_context_opts_free(opts);
    if (rc != OTTO_OK) {
        fail_call("opening the lab", rc);
        return NULL;
    }
    return ctx;
}

/* The first output line of a finished run or one-shot, trimmed. */
static inline void first_output(char *dst, size_t cap, const otto_op *op) {
    const otto_cmd_result *r = otto_op_cmd_result(op);
    size_t len = 0;
    const char *out = r != NULL ? otto_cmd_result_output(r, &len) : "";
    const char *nl = memchr(out, '\n', len);

    rstrip_copy(dst, cap, out, nl != NULL ? (size_t)(nl - out) : len);
}

#endif
