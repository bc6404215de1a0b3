#include "pgwire/backend.h"

namespace strata::pgwire {

std::vector<std::pair<std::string, std::string>> default_parameter_status(std::string_view application_name,
                                                                          bool is_superuser) {
  return {
      {"server_version", "15.0"},
      {"server_encoding", "UTF8"},
      {"client_encoding", "UTF8"},
      {"DateStyle", "ISO, MDY"},
      {"IntervalStyle", "postgres"},
      {"TimeZone", "UTC"},
      {"integer_datetimes", "on"},
      {"standard_conforming_strings", "on"},
      {"application_name", std::string(application_name)},
      {"is_superuser", is_superuser ? "on" : "off"},
  };
}

}  // namespace strata::pgwire
