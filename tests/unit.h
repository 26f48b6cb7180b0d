/*
 * unit.h - the tiny bit of CUnit glue every unit-test program shares:
 * UNIT_MAIN(suite-name, {"test name", fn}, ...) builds main(), runs the
 * suite with the basic interface and exits non-zero on any failure.
 */
#ifndef EDGEWARD_UNIT_H
#define EDGEWARD_UNIT_H

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct unit_case {
	const char	*name;
	void		(*fn)(void);
};

static inline int
unit_run(const char *suite_name, const struct unit_case *cases, size_t n)
{
	CU_pSuite suite;
	unsigned failed;
	size_t i;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	suite = CU_add_suite(suite_name, NULL, NULL);
	for (i = 0; i < n; i++)
		CU_add_test(suite, cases[i].name, cases[i].fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}

/* Monotonic seconds, for the figures size tests print (never assert). */
static inline double
unit_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#define UNIT_MAIN(suite, ...)						\
	int main(void)							\
	{								\
		static const struct unit_case cases_[] = { __VA_ARGS__ }; \
		return unit_run(suite, cases_,				\
		    sizeof(cases_) / sizeof(cases_[0]));		\
	}

#endif
