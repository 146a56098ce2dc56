# port4me's conditions (SPEC section 6).  p4m_stop() is the one place that
# builds and signals them, for the R wrapper and for the C code alike
# (src/conditions.c calls it).
#
# Every error has class c("port4me_<kind>", "port4me_error", "error",
# "condition") and fields `message`, `call` (NULL) and `source` (the
# argument, variable or option at fault, or NULL); a port4me_system error
# also has `errno` (the system's error number) and `step` (the call that
# failed, e.g. "bind" or "open claims folder").

# kind: "invalid" (a bad argument, variable or option; an empty candidate
# set), "no_port" (no free port found) or "system" (the socket test or the
# claims cannot be made).
p4m_stop <- function(kind, message, source = NULL, errno = NULL,
                     step = NULL) {
  fields <- list(message = message, call = NULL, source = source)
  if (kind == "system") fields <- c(fields, list(errno = errno, step = step))
  stop(structure(
    class = c(paste0("port4me_", kind), "port4me_error", "error",
              "condition"),
    fields
  ))
}

# A debug line (PORT4ME_DEBUG=true, --debug) as a message of class
# port4me_debug: on stderr by default, silenced by suppressMessages().
p4m_debug <- function(line) {
  message(structure(
    class = c("port4me_debug", "message", "condition"),
    list(message = paste0("port4me: ", line, "\n"), call = NULL)
  ))
}
