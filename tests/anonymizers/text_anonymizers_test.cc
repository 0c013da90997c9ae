#include "tests/anonymizers/anonymizer_test_util.h"
