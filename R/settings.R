# Environment variables (see ?port4me.settings) and their defaults.

env_vars <- c(
  "PORT4ME_USER", "USER", "PORT4ME_TOOL",
  "PORT4ME_PREPEND", "PORT4ME_PREPEND_SITE",
  "PORT4ME_INCLUDE", "PORT4ME_INCLUDE_SITE",
  "PORT4ME_EXCLUDE", "PORT4ME_EXCLUDE_SITE",
  "PORT4ME_EXCLUDE_UNSAFE",
  "PORT4ME_EXCLUDE_UNSAFE_CHROME", "PORT4ME_EXCLUDE_UNSAFE_FIREFOX",
  "PORT4ME_SKIP", "PORT4ME_LIST", "PORT4ME_TEST", "PORT4ME_DEBUG",
  "_PORT4ME_CHECK_AVAILABLE_PORTS_"
)

# Ports that Chrome and Firefox refuse to connect to.
unsafe_chrome <- paste(
  "1,7,9,11,13,15,17,19,20,21,22,23,25,37,42,43,53,69,77,79,87,95,101,102,",
  "103,104,109,110,111,113,115,117,119,123,135,137,139,143,161,179,389,427,",
  "465,512,513,514,515,526,530,531,532,540,548,554,556,563,587,601,636,989,",
  "990,993,995,1719,1720,1723,2049,3659,4045,5060,5061,6000,6566,6665,6666,",
  "6667,6668,6669,6697,10080", sep = "")
unsafe_firefox <- paste(
  "1,7,9,11,13,15,17,19,20,21,22,23,25,37,42,43,53,77,79,87,95,101,102,103,",
  "104,109,110,111,113,115,117,119,123,135,139,143,179,389,465,512,513,514,",
  "515,526,530,531,532,540,556,563,587,601,636,993,995,2049,4045,6000",
  sep = "")
unsafe_default <- "{chrome},{firefox}"

read_env <- function() Sys.getenv(env_vars, unset = NA_character_, names = TRUE)

# An unset or empty variable.
env_unset <- function(env, name) {
  value <- env[[name]]
  is.na(value) || !nzchar(value)
}

# Does every port count as free (_PORT4ME_CHECK_AVAILABLE_PORTS_=any)?
env_check_any <- function(env) {
  name <- "_PORT4ME_CHECK_AVAILABLE_PORTS_"
  if (env_unset(env, name)) return(FALSE)
  if (identical(env[[name]], "any")) return(TRUE)
  stop(sprintf("%s must be unset, empty or \"any\", not \"%s\"",
               name, encodeString(env[[name]])), call. = FALSE)
}

# PORT4ME_DEBUG: true/false (also TRUE/FALSE, 1/0, yes/no).
env_debug <- function(env) {
  name <- "PORT4ME_DEBUG"
  if (env_unset(env, name)) return(FALSE)
  value <- tolower(trimws(env[[name]]))
  if (value %in% c("true", "1", "yes")) return(TRUE)
  if (value %in% c("false", "0", "no")) return(FALSE)
  stop(sprintf("%s must be true or false, not \"%s\"",
               name, encodeString(env[[name]])), call. = FALSE)
}

# The user: the argument, PORT4ME_USER, USER, or the account name.
get_user <- function(user, env) {
  if (!is.null(user)) {
    return(c(user = arg_string(user, "user", empty_ok = FALSE)))
  }
  for (name in c("PORT4ME_USER", "USER")) {
    if (!env_unset(env, name)) return(stats::setNames(env[[name]], name))
  }
  account <- Sys.info()[["user"]]
  if (is.null(account) || is.na(account) || !nzchar(account) ||
      identical(account, "unknown")) {
    stop("Cannot tell the user name: 'user', PORT4ME_USER and USER are unset ",
         "and the operating system does not say", call. = FALSE)
  }
  c("the account name" = account)
}

# The tool: the argument or PORT4ME_TOOL; NULL for none.
get_tool <- function(tool, env) {
  if (!is.null(tool)) {
    return(c(tool = arg_string(tool, "tool", empty_ok = TRUE)))
  }
  if (env_unset(env, "PORT4ME_TOOL")) return(NULL)
  c(PORT4ME_TOOL = env[["PORT4ME_TOOL"]])
}

# A port set: the argument (or its variable when NULL), then the _SITE
# variable.  Returned as a named list for C, which names each source in its
# errors; an unset variable is NA.
port_sources <- function(x, name, var, env) {
  first <- if (is.null(x)) {
    stats::setNames(list(env[[var]]), var)
  } else {
    stats::setNames(list(arg_ports(x, name)), name)
  }
  site <- paste0(var, "_SITE")
  c(first, stats::setNames(list(env[[site]]), site))
}

# The {chrome} and {firefox} expansions.
unsafe_tokens <- function(env) {
  chrome <- env[["PORT4ME_EXCLUDE_UNSAFE_CHROME"]]
  firefox <- env[["PORT4ME_EXCLUDE_UNSAFE_FIREFOX"]]
  c(PORT4ME_EXCLUDE_UNSAFE_CHROME = if (is.na(chrome)) unsafe_chrome else chrome,
    PORT4ME_EXCLUDE_UNSAFE_FIREFOX = if (is.na(firefox)) unsafe_firefox else firefox)
}

# The exclusion sources: argument or PORT4ME_EXCLUDE, PORT4ME_EXCLUDE_SITE,
# and PORT4ME_EXCLUDE_UNSAFE (default "{chrome},{firefox}"; empty or "0"
# turns it off).
exclude_sources <- function(exclude, env) {
  unsafe <- env[["PORT4ME_EXCLUDE_UNSAFE"]]
  if (is.na(unsafe)) unsafe <- unsafe_default
  c(port_sources(exclude, "exclude", "PORT4ME_EXCLUDE", env),
    list(PORT4ME_EXCLUDE_UNSAFE = unsafe))
}
