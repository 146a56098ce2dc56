## Remember the settings this example changes, to restore them at the end
vars <- c("PORT4ME_EXCLUDE", "PORT4ME_EXCLUDE_SITE",
          "_PORT4ME_CHECK_AVAILABLE_PORTS_")
old <- Sys.getenv(vars, unset = NA, names = TRUE)

## Alice's first ports
port4me(user = "alice", list = 3)

## A user-level variable is used when the argument is NULL ...
Sys.setenv(PORT4ME_EXCLUDE = "30845")
port4me(user = "alice", list = 3)

## ... and an argument replaces it ("0" means no ports) ...
port4me(user = "alice", exclude = "0", list = 3)

## ... but a site-level variable applies whatever the argument says
Sys.setenv(PORT4ME_EXCLUDE_SITE = "19654")
port4me(user = "alice", exclude = "0", list = 3)

## With the testing hook, every port counts as free, so this is alice's
## first port that is not excluded, on any machine
Sys.setenv("_PORT4ME_CHECK_AVAILABLE_PORTS_" = "any")
port4me(user = "alice")

## Restore the settings
unset <- is.na(old)
Sys.unsetenv(names(old)[unset])
if (any(!unset)) do.call(Sys.setenv, as.list(old[!unset]))
