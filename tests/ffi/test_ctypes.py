"""Load libotto from Python's ctypes, knowing nothing but otto.h.

Usage: python3 test_ctypes.py /path/to/libotto.so [unittest options]

Every handle is opaque, so it travels as a void pointer. Only the functions
this test calls are declared, with the argument and result types the header
gives them. Strings that otto hands out through `char **out` are kept as raw
pointers so they can be given back to otto_string_free(), and output bytes
are read with their length because they may contain NULs.
"""

import ctypes
import json
import sys
import unittest

from ctypes import POINTER, c_char_p, c_double, c_int, c_int32, c_size_t, c_uint32, c_void_p

# From otto.h.
OTTO_OK = 0
OTTO_EINVAL = -1
OTTO_EVERSION = -13
OTTO_STATUS_SUCCESS = 0
OTTO_OP_RUN = 0

# typedef void (*otto_op_cb)(otto_op *op, void *user_data);
OTTO_OP_CB = ctypes.CFUNCTYPE(None, c_void_p, c_void_p)

# Each wait is bounded so that a hang fails the test instead of blocking it.
WAIT_MS = 30000

LIB_PATH = None


def declare(lib):
    """Declares the signatures, exactly as otto.h spells them."""
    sigs = {
        # const char *otto_version(int32_t *major, int32_t *minor, int32_t *patch);
        "otto_version": (c_char_p, [POINTER(c_int32), POINTER(c_int32), POINTER(c_int32)]),
        # int otto_version_check(uint32_t header_version);
        "otto_version_check": (c_int, [c_uint32]),
        # const char *otto_strerror(int code);
        "otto_strerror": (c_char_p, [c_int]),
        # const char *otto_last_error_message(void);
        "otto_last_error_message": (c_char_p, []),
        # void otto_string_free(char *str);
        "otto_string_free": (None, [c_void_p]),
        # int otto_context_new(otto_context **out, const otto_context_opts *opts);
        "otto_context_new": (c_int, [POINTER(c_void_p), c_void_p]),
        # int otto_context_free(otto_context *ctx);
        "otto_context_free": (c_int, [c_void_p]),
        # int otto_host_new_local(otto_host **out, otto_context *ctx,
        #                         const otto_host_opts *opts);
        "otto_host_new_local": (c_int, [POINTER(c_void_p), c_void_p, c_void_p]),
        # void otto_host_free(otto_host *host);
        "otto_host_free": (None, [c_void_p]),
        # int otto_host_run(otto_op **out, otto_host *host, const char *command,
        #                   const otto_run_opts *opts, otto_op_cb cb, void *user_data);
        "otto_host_run": (c_int, [POINTER(c_void_p), c_void_p, c_char_p, c_void_p,
                                  OTTO_OP_CB, c_void_p]),
        # int otto_op_wait(otto_op *op, int32_t timeout_ms);
        "otto_op_wait": (c_int, [c_void_p, c_int32]),
        # int otto_op_is_done(const otto_op *op);
        "otto_op_is_done": (c_int, [c_void_p]),
        # int otto_op_error(const otto_op *op);
        "otto_op_error": (c_int, [c_void_p]),
        # const char *otto_op_error_message(const otto_op *op);
        "otto_op_error_message": (c_char_p, [c_void_p]),
        # int32_t otto_op_kind(const otto_op *op);
        "otto_op_kind": (c_int32, [c_void_p]),
        # void otto_op_free(otto_op *op);
        "otto_op_free": (None, [c_void_p]),
        # const otto_cmd_result *otto_op_cmd_result(const otto_op *op);
        "otto_op_cmd_result": (c_void_p, [c_void_p]),
        # const char *otto_cmd_result_command(const otto_cmd_result *result);
        "otto_cmd_result_command": (c_char_p, [c_void_p]),
        # const char *otto_cmd_result_output(const otto_cmd_result *result, size_t *len);
        # (a raw pointer: the bytes may contain NULs, so they are read by length)
        "otto_cmd_result_output": (c_void_p, [c_void_p, POINTER(c_size_t)]),
        # int32_t otto_cmd_result_status(const otto_cmd_result *result);
        "otto_cmd_result_status": (c_int32, [c_void_p]),
        # int32_t otto_cmd_result_retcode(const otto_cmd_result *result);
        "otto_cmd_result_retcode": (c_int32, [c_void_p]),
        # double otto_cmd_result_duration(const otto_cmd_result *result);
        "otto_cmd_result_duration": (c_double, [c_void_p]),
        # const char *otto_status_name(int32_t status);
        "otto_status_name": (c_char_p, [c_int32]),
        # int otto_cmd_result_to_json(char **out, const otto_cmd_result *result);
        # (out is a raw pointer so that it can be handed to otto_string_free)
        "otto_cmd_result_to_json": (c_int, [POINTER(c_void_p), c_void_p]),
    }
    for name, (restype, argtypes) in sigs.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes
    return lib


class CtypesSmokeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.lib = declare(ctypes.CDLL(LIB_PATH))

    def check(self, rc, what):
        """Fails with otto's own explanation when a synchronous call failed."""
        if rc != OTTO_OK:
            self.fail("%s: %s (%s)" % (
                what, self.lib.otto_strerror(rc).decode(),
                self.lib.otto_last_error_message().decode()))

    def test_version(self):
        lib = self.lib
        major, minor, patch = c_int32(-1), c_int32(-1), c_int32(-1)
        version = lib.otto_version(ctypes.byref(major), ctypes.byref(minor),
                                   ctypes.byref(patch))
        self.assertEqual(version.decode(),
                         "%d.%d.%d" % (major.value, minor.value, patch.value))
        # The output pointers may be NULL.
        self.assertEqual(lib.otto_version(None, None, None), version)

        # OTTO_VERSION_NUMBER: 0x00MMmmpp.
        number = (major.value << 16) | (minor.value << 8) | patch.value
        self.assertEqual(lib.otto_version_check(number), OTTO_OK)
        # Another major version is refused.
        self.assertEqual(lib.otto_version_check(((major.value + 1) & 0xff) << 16),
                         OTTO_EVERSION)

    def test_strerror(self):
        self.assertEqual(self.lib.otto_strerror(OTTO_EINVAL), b"invalid argument")
        self.assertEqual(self.lib.otto_strerror(OTTO_OK + 12345), b"unknown error")

    def test_run_echo_hello(self):
        lib = self.lib
        ctx, host, op, json_ptr = c_void_p(), c_void_p(), c_void_p(), c_void_p()
        try:
            self.check(lib.otto_context_new(ctypes.byref(ctx), None), "otto_context_new")
            self.assertTrue(ctx.value)
            self.check(lib.otto_host_new_local(ctypes.byref(host), ctx, None),
                       "otto_host_new_local")
            self.assertTrue(host.value)

            # No callback: the op is waited for directly.
            self.check(lib.otto_host_run(ctypes.byref(op), host, b"echo hello", None,
                                         OTTO_OP_CB(), None),
                       "otto_host_run")
            self.assertTrue(op.value)
            self.assertEqual(lib.otto_op_kind(op), OTTO_OP_RUN)
            self.assertEqual(lib.otto_op_wait(op, WAIT_MS), OTTO_OK,
                             "echo hello did not finish in time")
            self.assertTrue(lib.otto_op_is_done(op))
            rc = lib.otto_op_error(op)
            self.assertEqual(rc, OTTO_OK, "the op failed: %s (%s)" % (
                lib.otto_strerror(rc).decode(), lib.otto_op_error_message(op).decode()))
            self.assertEqual(lib.otto_op_error_message(op), b"")

            res = lib.otto_op_cmd_result(op)
            self.assertTrue(res, "no single command result")
            self.assertEqual(lib.otto_cmd_result_command(res), b"echo hello")
            status = lib.otto_cmd_result_status(res)
            self.assertEqual(status, OTTO_STATUS_SUCCESS,
                             "status %s" % lib.otto_status_name(status).decode())
            self.assertEqual(lib.otto_status_name(status), b"Success")
            self.assertEqual(lib.otto_cmd_result_retcode(res), 0)
            self.assertGreaterEqual(lib.otto_cmd_result_duration(res), 0.0)

            length = c_size_t(0)
            data = lib.otto_cmd_result_output(res, ctypes.byref(length))
            self.assertTrue(data)
            output = ctypes.string_at(data, length.value)
            self.assertEqual(output, b"hello")
            # "A NUL follows the last byte."
            self.assertEqual(ctypes.string_at(data + length.value, 1), b"\0")

            # The JSON rendering parses and carries the same output.
            self.check(lib.otto_cmd_result_to_json(ctypes.byref(json_ptr), res),
                       "otto_cmd_result_to_json")
            self.assertTrue(json_ptr.value)
            rendered = json.loads(ctypes.string_at(json_ptr).decode("utf-8"))
            self.assertIsInstance(rendered, dict)
            self.assertEqual(rendered.get("output"), "hello", rendered)
            self.assertNotIn("output_base64", rendered)
        finally:
            lib.otto_string_free(json_ptr)
            lib.otto_op_free(op)
            lib.otto_host_free(host)
            self.assertEqual(lib.otto_context_free(ctx), OTTO_OK)

    def test_free_accepts_null(self):
        lib = self.lib
        lib.otto_string_free(None)
        lib.otto_op_free(None)
        lib.otto_host_free(None)
        self.assertEqual(lib.otto_context_free(None), OTTO_OK)


def main():
    global LIB_PATH
    if len(sys.argv) < 2:
        sys.stderr.write("usage: %s /path/to/libotto.so [unittest options]\n" % sys.argv[0])
        return 2
    LIB_PATH = sys.argv[1]
    program = unittest.main(argv=[sys.argv[0]] + sys.argv[2:], exit=False, verbosity=2)
    return 0 if program.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
