// SPDX-License-Identifier: GPL-2.0
/*
 * mncr_test_warn - a module whose only job is to warn.
 *
 * Loading it puts one WARN() splat in the kernel log and then succeeds. The
 * test bed's self-test loads it to prove that tests/vm/run fails a run whose
 * guest kernel log holds a warning, even when the command itself succeeds.
 * Never load it anywhere else.
 */

#include <linux/bug.h>
#include <linux/init.h>
#include <linux/module.h>

static int __init mncr_test_warn_init(void)
{
	WARN(1, "mncr_test_warn: planted warning for the test bed self-test\n");
	return 0;
}
module_init(mncr_test_warn_init);

static void __exit mncr_test_warn_exit(void)
{
}
module_exit(mncr_test_warn_exit);

MODULE_DESCRIPTION("Planted kernel warning for the mncr test bed self-test");
MODULE_LICENSE("GPL");
