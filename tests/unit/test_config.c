/* Unit tests for the --config loader (hv/config.c): valid files, and every kind of error
 * with the line and column it points at. */
#define _XOPEN_SOURCE 700 /* mkdtemp */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hv/config.h"

static struct hv_config cfg;
static char err[512];

static int parse(const char *text)
{
    return hv_config_parse(text, strlen(text), "t.json", "/cfg/", &cfg, err, sizeof(err));
}

/* The text must be refused with a message that starts with "t.json:LINE:COL: " and
 * contains want. */
static void expect_error(const char *text, int line, int col, const char *want)
{
    char prefix[64];
    int r = parse(text);
    ck_assert_msg(r == -1, "accepted: %s", text);
    snprintf(prefix, sizeof(prefix), "t.json:%d:%d: ", line, col);
    ck_assert_msg(strncmp(err, prefix, strlen(prefix)) == 0, "wanted %s..., got '%s' for %s",
                  prefix, err, text);
    ck_assert_msg(strstr(err, want) != NULL, "wanted '%s' in '%s'", want, err);
    ck_assert_ptr_null(strchr(err, '\n'));
    ck_assert_uint_eq(cfg.nvms, 0);
    ck_assert_ptr_null(cfg.vms);
}

START_TEST(test_minimal)
{
    ck_assert_int_eq(parse("{\"vms\": [{\"name\": \"a\", \"kernel\": \"k.elf\"}]}"), 0);
    ck_assert_uint_eq(cfg.nvms, 1);
    ck_assert_uint_eq(cfg.threads, 0);
    ck_assert(!cfg.deterministic);
    ck_assert_ptr_null(cfg.monitor);
    const struct hv_config_vm *v = &cfg.vms[0];
    ck_assert_str_eq(v->cfg.name, "a");
    ck_assert_str_eq(v->cfg.kernel, "/cfg/k.elf");
    ck_assert_uint_eq(v->cfg.ram_size, VM_DEFAULT_RAM);
    ck_assert_uint_eq(v->cfg.nharts, 1);
    ck_assert_ptr_null(v->cfg.bios);
    ck_assert_uint_eq(v->params.weight, HV_DEFAULT_WEIGHT);
    ck_assert_uint_eq(v->params.cap, 0);
    ck_assert_int_eq(v->console.kind, HV_CONSOLE_STDIO); /* the only VM */
    hv_config_free(&cfg);
}
END_TEST

static const char full[] =
    "{\n"
    "  \"comment\": \"two VMs on one LAN\",\n"
    "  \"threads\": 2, \"deterministic\": true,\n"
    "  \"monitor\": \"/tmp/rv.sock\", \"trace-sched\": \"sched.json\",\n"
    "  \"vms\": [\n"
    "    {\"name\": \"a\", \"memory\": \"256M\", \"harts\": 2, \"kernel\": \"Image\",\n"
    "     \"initrd\": \"/abs/initrd\", \"append\": \"console=ttyS0\", \"bios\": \"default\",\n"
    "     \"drives\": [{\"file\": \"a.img\", \"readonly\": true, \"cache\": \"unsafe\",\n"
    "                  \"serial\": \"disk-a\", \"slot\": 3}, \"b.img\"],\n"
    "     \"nics\": [{\"netdev\": \"switch,name=lan0\", \"mac\": \"52:54:00:00:00:01\"},\n"
    "              \"user,hostfwd=tcp::2222-:22\"],\n"
    "     \"rng\": true, \"console\": \"stdio\", \"weight\": 512, \"cap\": 150,\n"
    "     \"quota\": \"96M\", \"soft-quota\": 67108864, \"max-insns\": 1000000,\n"
    "     \"no-reboot\": true, \"fb\": \"640x480\", \"gdb\": \"tcp::1234\"},\n"
    "    {\"name\": \"b.2\", \"memory\": 16777216, \"bios\": \"fw.bin\",\n"
    "     \"console\": {\"file\": \"logs/b.log\", \"append\": true}},\n"
    "    {\"name\": \"c\", \"kernel\": \"k\", \"bios\": \"none\",\n"
    "     \"console\": {\"socket\": \"c.sock\"}},\n"
    "    {\"name\": \"d\", \"kernel\": \"k\", \"bios\": \"builtin\"}\n"
    "  ]\n"
    "}\n";

START_TEST(test_full)
{
    ck_assert_msg(parse(full) == 0, "%s", err);
    ck_assert_uint_eq(cfg.threads, 2);
    ck_assert(cfg.deterministic);
    ck_assert_str_eq(cfg.monitor, "/tmp/rv.sock");
    ck_assert_str_eq(cfg.trace_sched, "/cfg/sched.json");
    ck_assert_uint_eq(cfg.nvms, 4);

    const struct hv_config_vm *a = &cfg.vms[0];
    ck_assert_uint_eq(a->cfg.ram_size, 256ull << 20);
    ck_assert_uint_eq(a->cfg.nharts, 2);
    ck_assert_str_eq(a->cfg.kernel, "/cfg/Image");
    ck_assert_str_eq(a->cfg.initrd, "/abs/initrd");
    ck_assert_str_eq(a->cfg.append, "console=ttyS0");
    ck_assert_str_eq(a->cfg.bios, "default");
    ck_assert(a->cfg.deterministic);
    ck_assert_uint_eq(a->cfg.nvirtio, 5);
    ck_assert_int_eq(a->cfg.virtio[0].kind, VM_VIRTIO_BLK);
    ck_assert_str_eq(a->cfg.virtio[0].file, "/cfg/a.img");
    ck_assert(a->cfg.virtio[0].readonly);
    ck_assert_int_eq(a->cfg.virtio[0].cache, VM_BLK_CACHE_UNSAFE);
    ck_assert_str_eq(a->cfg.virtio[0].serial, "disk-a");
    ck_assert_int_eq(a->cfg.virtio[0].slot, 3);
    ck_assert_str_eq(a->cfg.virtio[1].file, "/cfg/b.img");
    ck_assert_int_eq(a->cfg.virtio[1].slot, -1);
    ck_assert(!a->cfg.virtio[1].readonly);
    ck_assert_int_eq(a->cfg.virtio[2].kind, VM_VIRTIO_NET);
    ck_assert_str_eq(a->cfg.virtio[2].netdev, "switch,name=lan0");
    ck_assert_str_eq(a->cfg.virtio[2].mac, "52:54:00:00:00:01");
    ck_assert_str_eq(a->cfg.virtio[3].netdev, "user,hostfwd=tcp::2222-:22");
    ck_assert_ptr_null(a->cfg.virtio[3].mac);
    ck_assert_int_eq(a->cfg.virtio[4].kind, VM_VIRTIO_RNG);
    ck_assert_int_eq(a->console.kind, HV_CONSOLE_STDIO);
    ck_assert_uint_eq(a->params.weight, 512);
    ck_assert_uint_eq(a->params.cap, 150);
    ck_assert_uint_eq(a->params.quota, 96ull << 20);
    ck_assert_uint_eq(a->params.soft_quota, 64ull << 20);
    ck_assert_uint_eq(a->cfg.max_insns, 1000000);
    ck_assert(a->cfg.no_reboot);
    ck_assert_uint_eq(a->cfg.fb_width, 640);
    ck_assert_uint_eq(a->cfg.fb_height, 480);
    ck_assert_str_eq(a->cfg.gdb, "tcp::1234");

    const struct hv_config_vm *b = &cfg.vms[1];
    ck_assert_str_eq(b->cfg.name, "b.2");
    ck_assert_uint_eq(b->cfg.ram_size, 16ull << 20);
    ck_assert_ptr_null(b->cfg.kernel);
    ck_assert_str_eq(b->cfg.bios, "/cfg/fw.bin");
    ck_assert_int_eq(b->console.kind, HV_CONSOLE_FILE);
    ck_assert_str_eq(b->console.path, "/cfg/logs/b.log");
    ck_assert(b->console.append);

    ck_assert_str_eq(cfg.vms[2].cfg.bios, "none");
    ck_assert_int_eq(cfg.vms[2].console.kind, HV_CONSOLE_SOCKET);
    ck_assert_str_eq(cfg.vms[2].console.path, "/cfg/c.sock");
    ck_assert_ptr_null(cfg.vms[3].cfg.bios);
    ck_assert_int_eq(cfg.vms[3].console.kind, HV_CONSOLE_NONE); /* several VMs: none */
    hv_config_free(&cfg);
    hv_config_free(&cfg); /* twice is harmless */
}
END_TEST

START_TEST(test_sizes)
{
    static const struct {
        const char *s;
        uint64_t v;
    } good[] = {{"0", 0},           {"4096", 4096},      {"64K", 64 << 10},
                {"64k", 64 << 10},  {"128M", 128 << 20}, {"128MiB", 128 << 20},
                {"2G", 2ull << 30}, {"1T", 1ull << 40},  {"512B", 512},
                {"3MB", 3 << 20}};
    static const char *bad[] = {
        "",    "M",  "-1", "1.5G", "12Q", "1GiBx", "99999999999999999999", "20000000000000000000G",
        " 1M", "1 M"};
    uint64_t v;
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        ck_assert_msg(hv_config_parse_size(good[i].s, &v) == 0, "refused %s", good[i].s);
        ck_assert_uint_eq(v, good[i].v);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(hv_config_parse_size(bad[i], &v) == -1, "accepted '%s'", bad[i]);
}
END_TEST

START_TEST(test_syntax_errors)
{
    /* jansson's own positions */
    expect_error("{\"vms\": [}", 1, 10, "");
    expect_error("{\n  \"vms\": [\n    {\"name\": \"a\",,}\n  ]\n}", 3, 18, "");
    expect_error("", 1, 1, "");
    expect_error("{\"vms\": []} x", 1, 13, "end of file expected");
    expect_error("{\"a\": 1, \"a\": 2}", 1, 12, "duplicate");
    expect_error("{\"vms\": \"\\u0000\"}", 1, 16, "");
}
END_TEST

START_TEST(test_semantic_errors)
{
    expect_error("[1]", 1, 1, "must hold one JSON object");
    expect_error("  {}", 1, 3, "needs \"vms\"");
    expect_error("{\"vms\": {}}", 1, 9, "config.vms: must be an array");
    expect_error("{\"vms\": []}", 1, 9, "1 to 64 VMs");
    expect_error("{\"vm\": []}", 1, 2, "unknown key \"vm\" (did you mean \"vms\"?)");
    expect_error("{\"threads\": 65, \"vms\": []}", 1, 13,
                 "config.threads: must be an integer "
                 "from 0 to 64");
    expect_error("{\"threads\": \"2\", \"vms\": []}", 1, 13, "must be an integer, not a string");
    expect_error("{\"deterministic\": 1, \"vms\": []}", 1, 19, "must be true or false");
    expect_error("{\"vms\": [7]}", 1, 10, "vms[0]: must be an object, not an integer");
    expect_error("{\"vms\": [\n  {\"kernel\": \"k\"}]}", 2, 3, "vms[0]: needs a \"name\"");
    expect_error("{\"vms\": [\n  {\"name\": \"a\"}]}", 2, 3, "vms[0] (\"a\"): needs a \"kernel\"");
    expect_error("{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\"},\n"
                 "          {\"name\": \"a\", \"kernel\": \"k\"}]}",
                 2, 20, "vms[1].name: \"a\" is already the name of vms[0]");
    expect_error("{\"vms\": [{\"name\": \"a b\", \"kernel\": \"k\"}]}", 1, 19, "vms[0].name");
    expect_error("{\"vms\": [{\"name\": 5, \"kernel\": \"k\"}]}", 1, 19,
                 "vms[0].name: must be a string, not an integer");
    expect_error("{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\",\n"
                 "           \"hart\": 2}]}",
                 2, 12, "vms[0] (\"a\"): unknown key \"hart\" (did you mean \"harts\"?)");
    expect_error("{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"bogus\": 2}]}", 1, 39,
                 "unknown key \"bogus\"");
    expect_error("{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"harts\": 33}]}", 1, 48,
                 "harts: must be an integer from 1 to 32");
    expect_error("{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"harts\": 1.5}]}", 1, 48,
                 "harts: must be an integer from 1 to 32");
    expect_error("{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"memory\": \"12Q\"}]}", 1, 49,
                 "memory: must be a size");
    expect_error("{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"memory\": 1000}]}", 1, 49,
                 "memory: must be from 1 MiB to 1048576 MiB");
    expect_error("{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"weight\": 0}]}", 1, 49,
                 "weight: must be an integer from 1 to 10000");
    expect_error("{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"weight\": 10001}]}", 1, 49,
                 "from 1 to 10000");
    expect_error("{\"threads\": 2, \"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"cap\": 201}]}",
                 1, 60, "cap: must be an integer from 0 to 200");
    expect_error("{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"cap\": 6401}]}", 1, 46,
                 "from 0 to 6400");
    expect_error("{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"quota\": \"64M\",\n"
                 "  \"soft-quota\": \"65M\"}]}",
                 2, 17, "soft-quota: must not be above \"quota\"");
    expect_error("{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"max-insns\": 0}]}", 1, 52,
                 "max-insns");
    expect_error("{\"vms\": [{\"name\": \"a\", \"kernel\": \"\"}]}", 1, 34,
                 "kernel: must be a file name");
    expect_error("{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"fb\": \"10x10\"}]}", 1, 45,
                 "fb: \"10x10\" is not WIDTHxHEIGHT");
    expect_error("{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"gdb\": \"1234\"}]}", 1, 46,
                 "gdb");
    expect_error("{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"no-reboot\": \"yes\"}]}", 1, 52,
                 "no-reboot: must be true or false, not a string");
}
END_TEST

START_TEST(test_device_errors)
{
    expect_error("{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"drives\": {}}]}", 1, 49,
                 "drives: must be an array");
    expect_error("{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"drives\": [\n"
                 "   {\"readonly\": true}]}]}",
                 2, 4, "drives[0]: needs \"file\"");
    expect_error("{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"drives\": [\n"
                 "   {\"file\": \"x\", \"cache\": \"none\"}]}]}",
                 2, 27, "cache: \"none\" is not one of writeback, writethrough, unsafe");
    expect_error("{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"drives\": [\n"
                 "   {\"file\": \"x\", \"readonly\": \"on\"}]}]}",
                 2, 30, "drives[0].readonly: must be true or false");
    expect_error("{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"drives\": [\n"
                 "   {\"file\": \"x\", \"fle\": \"y\"}]}]}",
                 2, 18, "unknown key \"fle\" (did you mean \"file\"?)");
    expect_error("{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"drives\": [\n"
                 "   {\"file\": \"x\", \"slot\": 8}]}]}",
                 2, 26, "slot: must be an integer from 0 to 7");
    expect_error("{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"drives\": [\n"
                 "   {\"file\": \"x\", \"slot\": 1}, {\"file\": \"y\", \"slot\": 1}]}]}",
                 2, 30, "slot 1 is already taken");
    expect_error("{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"drives\": [\n"
                 "   \"1\", \"2\", \"3\", \"4\", \"5\", \"6\", \"7\", \"8\"], \"rng\": true}]}",
                 2, 52, "at most 8 virtio devices");
    expect_error("{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"nics\": [\n"
                 "   {\"netdev\": \"bogus\"}]}]}",
                 2, 15, "nics[0]: ");
    expect_error("{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"nics\": [\n"
                 "   \"user,hostfwd=tcp::99999-:22\"]}]}",
                 2, 4, "hostfwd");
    expect_error("{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"nics\": [\n"
                 "   {\"netdev\": \"user\", \"mac\": \"01:00:00:00:00:01\"}]}]}",
                 2, 30, "invalid MAC address");
    expect_error("{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"nics\": [{}]}]}", 1, 48,
                 "needs \"netdev\"");
    expect_error("{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"nics\": [true]}]}", 1, 48,
                 "must be an object");
}
END_TEST

START_TEST(test_console_errors)
{
    expect_error("{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"console\": \"tty\"}]}", 1, 50,
                 "console: \"tty\" is not");
    expect_error("{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"console\": {}}]}", 1, 50,
                 "needs one of \"file\" or \"socket\"");
    expect_error("{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"console\": "
                 "{\"file\": \"x\", \"socket\": \"y\"}}]}",
                 1, 50, "needs one of");
    expect_error("{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"console\": "
                 "{\"socket\": \"y\", \"append\": true}}]}",
                 1, 66, "\"append\" is for a \"file\" console");
    expect_error("{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"console\": "
                 "{\"file\": 3}}]}",
                 1, 59, "console.file: must be a string");
    expect_error("{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"console\": \"stdio\"},\n"
                 "  {\"name\": \"b\", \"kernel\": \"k\", \"console\": \"stdio\"}]}",
                 2, 43, "only one VM can have the terminal");
    expect_error("{\"monitor\": \"m.sock\", \"vms\": [{\"name\": \"a\", \"kernel\": \"k\", "
                 "\"console\": {\"socket\": \"m.sock\"}}]}",
                 1, 82, "also the monitor socket");
    expect_error(
        "{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"console\": {\"file\": \"x\"}},\n"
        "  {\"name\": \"b\", \"kernel\": \"k\", \"console\": {\"file\": \"x\"}}]}",
        2, 52, "also the console of vms[0]");
    char text[512];
    snprintf(
        text, sizeof(text),
        "{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"console\": {\"socket\": \"%0120d\"}}]}",
        0);
    expect_error(text, 1, 61, "shorter than 108 bytes");
}
END_TEST

/* Columns count characters, not bytes, and keys with escapes are found. */
START_TEST(test_positions_utf8_and_escapes)
{
    expect_error(
        "{\"vms\": [{\"name\": \"a\", \"append\": \"\xc3\xa9\xc3\xa9\", \"kernel\": \"k\", "
        "\"harts\": 0}]}",
        1, 64, "harts");
    expect_error("{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"h\\u0061rts\": 0}]}", 1, 53,
                 "harts: must be an integer");
    expect_error("{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\",\r\n\t\"harts\": 0}]}", 2, 11,
                 "harts");
}
END_TEST

/* Junk of every kind must give an error, never a crash. */
START_TEST(test_junk)
{
    static const char *junk[] = {
        "{",
        "}",
        "[",
        "\"",
        "{\"vms\":",
        "{\"vms\": [{]}",
        "null",
        "true",
        "1e999",
        "{\"vms\":[null]}",
        "{\"vms\":[{\"name\":null}]}",
        "{\"vms\":[[[[[[]]]]]]}",
        "\xff\xfe",
        "{\"vms\"\x00: 1}",
        "{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"console\": null}]}",
        "{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"quota\": -1}]}",
        "{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"memory\": 99999999999999999999}]}",
        "{\"vms\": [{\"name\": \"a\", \"kernel\": \"k\", \"drives\": [null, 1]}]}",
    };
    for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
        ck_assert_msg(parse(junk[i]) == -1, "accepted %s", junk[i]);
        ck_assert_msg(strncmp(err, "t.json:", 7) == 0, "message '%s'", err);
    }
    /* deep nesting */
    size_t n = 100000;
    char *deep = malloc(2 * n + 1);
    memset(deep, '[', n);
    memset(deep + n, ']', n);
    deep[2 * n] = 0;
    ck_assert_int_eq(parse(deep), -1);
    free(deep);
}
END_TEST

START_TEST(test_load_file)
{
    char dir[] = "/tmp/rvisor-cfg-XXXXXX";
    char path[128], want[160];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/vms.json", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("{\"vms\": [{\"name\": \"x\", \"kernel\": \"sub/k.elf\",\n"
          "  \"console\": {\"file\": \"x.log\"}}]}\n",
          f);
    fclose(f);
    ck_assert_msg(hv_config_load(path, &cfg, err, sizeof(err)) == 0, "%s", err);
    snprintf(want, sizeof(want), "%s/sub/k.elf", dir);
    ck_assert_str_eq(cfg.vms[0].cfg.kernel, want);
    snprintf(want, sizeof(want), "%s/x.log", dir);
    ck_assert_str_eq(cfg.vms[0].console.path, want);
    hv_config_free(&cfg);

    f = fopen(path, "w");
    fputs("{\"vms\": [{\"name\": \"x\",\n  \"kernel\": 1}]}\n", f);
    fclose(f);
    ck_assert_int_eq(hv_config_load(path, &cfg, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "%s:2:13: ", path);
    ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "%s", err);
    unlink(path);

    ck_assert_int_eq(hv_config_load(path, &cfg, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "cannot open"));
    ck_assert_int_eq(hv_config_load(dir, &cfg, err, sizeof(err)), -1); /* a directory */
    rmdir(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_minimal);
    tcase_add_test(tc, test_full);
    tcase_add_test(tc, test_sizes);
    tcase_add_test(tc, test_syntax_errors);
    tcase_add_test(tc, test_semantic_errors);
    tcase_add_test(tc, test_device_errors);
    tcase_add_test(tc, test_console_errors);
    tcase_add_test(tc, test_positions_utf8_and_escapes);
    tcase_add_test(tc, test_junk);
    tcase_add_test(tc, test_load_file);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
