// Calendar helpers shared by functions_datetime.cc and functions_datetime_format.cc.
#pragma once

#include <cstdint>

#include "exec/functions_common.h"
#include "types/datetime.h"

namespace strata::exec::fn {

// A timestamp split into calendar fields (UTC).
struct Fields {
  int32_t days = 0;  // since 1970-01-01
  int64_t micros_of_day = 0;
  types::CivilDate date;
  types::CivilTime time;
};

Fields fields_of(int64_t micros);
int64_t micros_of(int32_t days, int64_t micros_of_day);
// ISO 8601 week-numbering year and week number of a day.
void iso_week(int32_t days, int32_t* iso_year, int32_t* week);
// 0 = Sunday .. 6 = Saturday.
int32_t day_of_week(int32_t days);
// 1-based day of the year.
int32_t day_of_year(const Fields& f);

// to_char, to_timestamp(text, text), to_date.
void register_datetime_format_functions(FunctionRegistry& r);

}  // namespace strata::exec::fn
