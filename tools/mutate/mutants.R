# Derive the mutants of the package's C sources (used by tools/mutate/run.sh).
#
#   Rscript mutants.R --src DIR --out DIR [--cpp "CMD"] [--sample N --seed S]
#                     [--only ID]... [--equivalent FILE]
#
# Reads every DIR/*.c, finds the code the compiler sees on this platform (the
# preprocessor decides which #if branches are live: --cpp is the command that
# runs it, e.g. "gcc -E -P -I/usr/share/R/include"; code that is not compiled
# here, such as claims-win.c or an #ifdef _WIN32 branch, gets no mutants,
# since it could survive for that reason alone), tokenizes it (comments,
# strings and preprocessor lines are never mutated), and derives one mutant per
# applicable operator and place:
#
#   rel_lt_le rel_le_lt rel_gt_ge rel_ge_gt rel_eq_ne rel_ne_eq
#                           relational operator swaps
#   log_and_or log_or_and   && <-> ||
#   arith_add_sub arith_sub_add arith_mul_div
#                           binary + <-> -, * -> /
#   asg_add_sub asg_sub_add += <-> -=
#   const_inc const_dec     an integer or character literal that is an operand
#                           of a comparison, moved by one (only the direction
#                           that a relational swap does not already cover)
#   stmt_del                a whole-line expression statement replaced by ';'
#                           (also 'break;', and 'return;' in void functions)
#   if_neg                  if (c) -> if (!(c))
#   flag_drop               one flag dropped from an OR-ed set of flags
#                           (O_RDONLY | O_NOFOLLOW -> O_NOFOLLOW, ...): each
#                           operand in turn that is an upper-case name, or a
#                           parenthesized group holding one (not O_RDONLY,
#                           which is 0)
#   jump_del                'continue;' or 'break;' deleted (one that stmt_del
#                           does not already delete: not a line by itself)
#   lit_inc lit_zero        an integer literal outside a comparison: n -> n+1,
#                           n -> 0 (n != 0); same base and suffix (no
#                           "return -1" -> -2 where every caller only tests
#                           the sign: sign_only_functions())
#   str_empty str_char      a string literal -> "", or one character changed
#                           (a letter's case, a digit + 1, else '_'; never
#                           inside an escape or a printf conversion)
#   errno_swap              an errno constant (EACCES, P4M_EACCES, ...) ->
#                           the next different one the function uses, else
#                           the file, else EINVAL (EIO for EINVAL)
#   arg_swap                two neighbouring arguments of a call swapped, when
#                           their declared types say they plausibly have the
#                           same type (both numbers, both char *, ...); not
#                           the strings of a strcmp() tested for == 0
#
# Declarations are not mutated (types, array sizes, static tables), except
# the expression that initializes a local variable, which is code like any
# other (the generator's step, for one, is written as an initializer).
#
# Each mutant's id is FILE:FUNCTION:OPERATOR:N, N counting that operator's
# places within that function in source order, so an id does not change when
# code elsewhere in the file changes.
#
# Writes OUT/index.tsv (one line per selected mutant: n, id, file, line,
# status "run" or "equivalent", the original line, the mutated line) and, for
# each mutant to run, OUT/<n>/<file> (the whole mutated source file).

args <- commandArgs(trailingOnly = TRUE)
opt <- list(src = NULL, out = NULL, cpp = "", sample = NA, seed = NA,
            only = character(), equivalent = "")
i <- 1
while (i <= length(args)) {
  a <- args[[i]]
  key <- sub("^--", "", a)
  if (!key %in% names(opt) || i == length(args))
    stop("mutants.R: bad argument: ", a)
  val <- args[[i + 1]]
  if (key == "only") opt$only <- c(opt$only, val) else opt[[key]] <- val
  i <- i + 2
}
if (is.null(opt$src) || is.null(opt$out)) stop("mutants.R: need --src and --out")

## ---- which lines the compiler sees -----------------------------------------

# For every #if/#ifdef/#ifndef/#elif/#else group, insert a marker line and
# let the preprocessor say which markers survive.  Returns a logical vector:
# TRUE for lines in live code (directive lines themselves are FALSE).
live_lines <- function(lines, cpp, dir) {
  n <- length(lines)
  is_dir <- logical(n)
  kind <- character(n)   # at a directive's first line: if, ifdef, else, ...
  last <- integer(n)     # at a directive's first line: its last line
  k <- 1
  while (k <= n) {
    if (grepl("^\\s*#", lines[[k]])) {
      start <- k
      while (grepl("\\\\\\s*$", lines[[k]]) && k < n) k <- k + 1
      is_dir[start:k] <- TRUE
      kind[[start]] <- sub("^\\s*#\\s*([a-z]*).*$", "\\1", lines[[start]])
      last[[start]] <- k
    }
    k <- k + 1
  }
  opens <- c("if", "ifdef", "ifndef", "elif", "else")
  marks <- last[kind %in% opens]
  out <- character()
  for (k in seq_len(n)) {
    out <- c(out, lines[[k]])
    if (k %in% marks) out <- c(out, sprintf("P4M_MUTATE_LIVE_%d", k))
  }
  taken <- integer()
  if (length(marks)) {
    if (!nzchar(cpp)) stop("mutants.R: the sources have #if groups: need --cpp")
    tmp <- tempfile(fileext = ".c")
    writeLines(out, tmp)
    res <- suppressWarnings(system(paste(cpp, "-I", shQuote(dir), shQuote(tmp),
                                         "2>&1"), intern = TRUE))
    unlink(tmp)
    if (!is.null(attr(res, "status")))
      stop("mutants.R: the preprocessor failed: ", cpp, "\n",
           paste(res, collapse = "\n"))
    m <- regmatches(res, gregexpr("P4M_MUTATE_LIVE_[0-9]+", res))
    taken <- as.integer(sub("P4M_MUTATE_LIVE_", "", unlist(m)))
  }
  # a line is live when every enclosing group is taken
  live <- logical(n)
  stack <- logical()
  for (k in seq_len(n)) {
    if (nzchar(kind[[k]])) {
      if (kind[[k]] %in% c("if", "ifdef", "ifndef")) {
        stack <- c(stack, last[[k]] %in% taken)
      } else if (kind[[k]] %in% c("elif", "else")) {
        stack[[length(stack)]] <- last[[k]] %in% taken
      } else if (kind[[k]] == "endif") {
        stack <- stack[-length(stack)]
      }
    }
    live[[k]] <- !is_dir[[k]] && all(stack)
  }
  live
}

## ---- tokenizer ----------------------------------------------------------------

ops3 <- c(">>=", "<<=", "...")
ops2 <- c("->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
          "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=")

# Tokens of the live code: data frame with type (id, num, chr, str, op),
# text, start and end (byte offsets, 1-based, inclusive) and line.
tokenize <- function(ch, line_of, live) {
  n <- length(ch)
  type <- character(); text <- character(); st <- integer(); en <- integer()
  p <- 1
  is_id0 <- function(c) grepl("^[A-Za-z_]$", c)
  is_idc <- function(c) grepl("^[A-Za-z0-9_]$", c)
  while (p <= n) {
    c <- ch[[p]]
    if (!live[[line_of[[p]]]]) { p <- p + 1; next }
    if (c %in% c(" ", "\t", "\n", "\r", "\f", "\v")) { p <- p + 1; next }
    if (c == "/" && p < n && ch[[p + 1]] == "*") {
      q <- p + 2
      while (q < n && !(ch[[q]] == "*" && ch[[q + 1]] == "/")) q <- q + 1
      p <- q + 2; next
    }
    if (c == "/" && p < n && ch[[p + 1]] == "/") {
      while (p <= n && ch[[p]] != "\n") p <- p + 1
      next
    }
    q <- p
    if (c == "\"" || c == "'") {
      q <- p + 1
      while (q <= n && ch[[q]] != c) q <- q + if (ch[[q]] == "\\") 2 else 1
      t <- if (c == "\"") "str" else "chr"
    } else if (grepl("^[0-9]$", c) || (c == "." && p < n && grepl("^[0-9]$", ch[[p + 1]]))) {
      while (q < n && (is_idc(ch[[q + 1]]) || ch[[q + 1]] == ".")) q <- q + 1
      t <- "num"
    } else if (is_id0(c)) {
      while (q < n && is_idc(ch[[q + 1]])) q <- q + 1
      t <- "id"
    } else {
      s3 <- paste(ch[p:min(n, p + 2)], collapse = "")
      s2 <- substr(s3, 1, 2)
      q <- if (s3 %in% ops3) p + 2 else if (s2 %in% ops2) p + 1 else p
      t <- "op"
    }
    type <- c(type, t); text <- c(text, paste(ch[p:q], collapse = ""))
    st <- c(st, p); en <- c(en, q)
    p <- q + 1
  }
  data.frame(type = type, text = text, start = st, end = en,
             line = line_of[st], stringsAsFactors = FALSE)
}

## ---- structure: functions, statements, declarations ---------------------------

type_words <- c("const", "static", "volatile", "register", "extern", "auto",
                "int", "char", "short", "long", "unsigned", "signed", "float",
                "double", "void", "_Bool", "struct", "union", "enum",
                "typedef", "inline")
keywords <- c(type_words, "if", "else", "for", "while", "do", "switch", "case",
              "default", "return", "break", "continue", "goto", "sizeof")

# Annotate the tokens: fn (enclosing function, or NA outside functions),
# code (TRUE where an operator may be mutated), and collect the statements
# that may be deleted and the if conditions.
analyse <- function(tk) {
  n <- nrow(tk)
  fn <- rep(NA_character_, n)
  code <- logical(n)
  fn_void <- list()
  stmts <- list()   # list(first, last) token indices of deletable statements
  ifs <- list()     # list(open, close) paren token indices of if conditions
  decls <- list()   # list(first, last) token indices of local declarations
  fns <- list()     # list(open, close) parens of each function's parameters
  match_paren <- integer(n)
  stack <- integer()
  for (k in seq_len(n)) {
    if (tk$type[[k]] != "op") next
    if (tk$text[[k]] %in% c("(", "[", "{")) stack <- c(stack, k)
    if (tk$text[[k]] %in% c(")", "]", "}")) {
      if (!length(stack)) stop("unbalanced ", tk$text[[k]], " at line ", tk$line[[k]])
      o <- stack[[length(stack)]]; stack <- stack[-length(stack)]
      match_paren[[k]] <- o; match_paren[[o]] <- k
    }
  }
  if (length(stack)) stop("unbalanced brackets")
  k <- 1
  while (k <= n) {
    # top level: find a function body "NAME ( ... ) {"
    if (tk$text[[k]] == "{" && k > 1 && tk$text[[k - 1]] == ")") {
      open <- match_paren[[k - 1]]
      name <- tk$text[[open - 1]]
      close <- match_paren[[k]]
      # void function: "void NAME(" (possibly "static void NAME(")
      is_void <- open >= 3 && tk$text[[open - 2]] == "void"
      fn[k:close] <- name
      fns[[length(fns) + 1]] <- c(open, k - 1)
      walk_body(tk, k, close, match_paren, code, stmts, ifs, is_void, env = environment())
      k <- close + 1
      next
    }
    if (tk$text[[k]] == "{") { k <- match_paren[[k]] + 1; next }
    k <- k + 1
  }
  list(fn = fn, code = code, stmts = stmts, ifs = ifs, match = match_paren,
       decls = decls, fns = fns)
}

# Walk one function body (tokens a..b, a and b its braces), statement by
# statement; sets code/stmts/ifs in env.
walk_body <- function(tk, a, b, mp, code, stmts, ifs, is_void, env) {
  code <- env$code; stmts <- env$stmts; ifs <- env$ifs; decls <- env$decls
  txt <- tk$text; ty <- tk$type
  k <- a + 1
  first_on_line <- function(j) j == 1 || tk$line[[j - 1]] != tk$line[[j]]
  last_on_line <- function(j) j == nrow(tk) || tk$line[[j + 1]] != tk$line[[j]]
  # end of the simple statement starting at j: the ';' at this nesting level
  stmt_end <- function(j) {
    while (txt[[j]] != ";") {
      if (txt[[j]] %in% c("(", "[", "{")) j <- mp[[j]]
      j <- j + 1
    }
    j
  }
  while (k < b) {
    t <- txt[[k]]
    if (t %in% c("{", "}", ";")) { k <- k + 1; next }
    if (t == "else" || t == "do") { k <- k + 1; next }
    if (t %in% c("case", "default")) {
      while (txt[[k]] != ":") k <- k + 1
      k <- k + 1; next
    }
    if (t %in% c("if", "while", "switch", "for")) {
      open <- k + 1; close <- mp[[open]]
      code[(open + 1):(close - 1)] <- TRUE
      if (t == "if") ifs[[length(ifs) + 1]] <- c(open, close)
      k <- close + 1; next
    }
    e <- stmt_end(k)
    decl <- (ty[[k]] == "id" && t %in% type_words) ||
      (ty[[k]] == "id" && !t %in% keywords && ty[[k + 1]] == "id" &&
         !txt[[k + 1]] %in% keywords) ||
      (ty[[k]] == "id" && !t %in% keywords && txt[[k + 1]] == "*" &&
         ty[[k + 2]] == "id" && txt[[k + 3]] %in% c("=", ";", ",", "["))
    if (decl) {
      decls[[length(decls) + 1]] <- c(k, e)
      # only the initializers are code: from a top-level '=' to ',' or ';'
      j <- k; init <- FALSE
      while (j < e) {
        if (txt[[j]] %in% c("(", "[", "{")) {
          if (init && txt[[j]] != "{") code[j:mp[[j]]] <- TRUE
          j <- mp[[j]] + 1; next
        }
        if (txt[[j]] == "=") init <- TRUE
        else if (txt[[j]] == ",") init <- FALSE
        else if (init) code[[j]] <- TRUE
        j <- j + 1
      }
    } else {
      code[k:e] <- TRUE
      deletable <- !(t %in% c("return", "goto", "continue")) ||
        (t == "return" && is_void && txt[[k + 1]] == ";")
      if (deletable && first_on_line(k) && last_on_line(e) &&
          tk$line[[k]] == tk$line[[e]])
        stmts[[length(stmts) + 1]] <- c(k, e)
    }
    k <- e + 1
  }
  env$code <- code; env$stmts <- stmts; env$ifs <- ifs; env$decls <- decls
  invisible(NULL)
}

## ---- mutants ---------------------------------------------------------------------

rel_swap <- c("<" = "<=", "<=" = "<", ">" = ">=", ">=" = ">", "==" = "!=", "!=" = "==")
rel_name <- c("<" = "lt_le", "<=" = "le_lt", ">" = "gt_ge", ">=" = "ge_gt",
              "==" = "eq_ne", "!=" = "ne_eq")
mirror <- c("<" = ">", "<=" = ">=", ">" = "<", ">=" = "<=", "==" = "==", "!=" = "!=")
# literal on the right of OP: which shift a relational swap does not cover
shift_for <- list("<" = -1, ">=" = -1, "<=" = 1, ">" = 1)

# Does token k end an operand (so that a following + - * is binary)?  Not
# the ')' of an if/while/for/switch condition or of a cast.
operand_end <- function(tk, k, mp) {
  t <- tk$text[[k]]
  if (tk$type[[k]] %in% c("id", "num", "chr", "str")) return(!t %in% keywords)
  if (t == "]") return(TRUE)
  if (t != ")") return(FALSE)
  o <- mp[[k]]
  if (o > 1 && tk$text[[o - 1]] %in% c("if", "while", "for", "switch")) return(FALSE)
  inner <- tk$text[(o + 1):(k - 1)]
  cast <- k - o > 1 && (inner[[1]] %in% type_words ||
    (tk$type[[o + 1]] == "id" && all(inner[-1] == "*") &&
       (length(inner) > 1 || grepl("_t$", inner[[1]]))))
  !cast
}

shift_literal <- function(s, d) {
  if (grepl("^'", s)) {
    if (nchar(s) != 3) return(NA_character_)
    v <- utf8ToInt(substr(s, 2, 2)) + d
    c <- intToUtf8(v)
    if (v >= 32 && v < 127 && !c %in% c("'", "\\")) return(sprintf("'%s'", c))
    return(as.character(v))
  }
  m <- regmatches(s, regexec("^(0[xX])?([0-9A-Fa-f]+)([uUlL]*)$", s))[[1]]
  if (!length(m)) return(NA_character_)
  hex <- nzchar(m[[2]])
  if (!hex && grepl("^0[0-9]", m[[3]])) return(NA_character_)  # octal
  v <- if (hex) strtoi(m[[3]], 16L) else as.numeric(m[[3]])
  if (is.na(v)) return(NA_character_)
  v <- v + d
  if (v < 0) return(NA_character_)
  if (hex) {
    digits <- sprintf(if (grepl("[a-f]", m[[3]])) "%x" else "%X", as.integer(v))
    digits <- pad0(digits, nchar(m[[3]]))  # (formatC pads a string with spaces)
    return(paste0(m[[2]], digits, m[[4]]))
  }
  paste0(format(v, scientific = FALSE), m[[4]])
}

# The tokens of a..b outside any nested brackets.
top_level <- function(a, b, mp, txt) {
  out <- character(); j <- a
  while (j <= b) {
    out <- c(out, txt[[j]])
    j <- if (txt[[j]] %in% c("(", "[", "{")) mp[[j]] + 1 else j + 1
  }
  out
}

## ---- operators for error paths, flags, constants, strings and calls -------

# errno names (POSIX and Linux); freeport.c's portable aliases (P4M_EACCES)
# count too.  Names that are one value on Linux are never swapped for each
# other: that would change nothing.
errno_names <- c("E2BIG", "EACCES", "EADDRINUSE", "EADDRNOTAVAIL",
  "EAFNOSUPPORT", "EAGAIN", "EALREADY", "EBADF", "EBADMSG", "EBUSY",
  "ECANCELED", "ECHILD", "ECONNABORTED", "ECONNREFUSED", "ECONNRESET",
  "EDEADLK", "EDEADLOCK", "EDESTADDRREQ", "EDOM", "EDQUOT", "EEXIST", "EFAULT",
  "EFBIG", "EHOSTUNREACH", "EIDRM", "EILSEQ", "EINPROGRESS", "EINTR", "EINVAL",
  "EIO", "EISCONN", "EISDIR", "ELOOP", "EMFILE", "EMLINK", "EMSGSIZE",
  "EMULTIHOP", "ENAMETOOLONG", "ENETDOWN", "ENETRESET", "ENETUNREACH", "ENFILE",
  "ENOBUFS", "ENODATA", "ENODEV", "ENOENT", "ENOEXEC", "ENOLCK", "ENOLINK",
  "ENOMEM", "ENOMSG", "ENOPROTOOPT", "ENOSPC", "ENOSR", "ENOSTR", "ENOSYS",
  "ENOTBLK", "ENOTCONN", "ENOTDIR", "ENOTEMPTY", "ENOTRECOVERABLE", "ENOTSOCK",
  "ENOTSUP", "ENOTTY", "ENXIO", "EOPNOTSUPP", "EOVERFLOW", "EOWNERDEAD", "EPERM",
  "EPFNOSUPPORT", "EPIPE", "EPROTO", "EPROTONOSUPPORT", "EPROTOTYPE", "ERANGE",
  "EROFS", "ESHUTDOWN", "ESPIPE", "ESRCH", "ESTALE", "ETIME", "ETIMEDOUT",
  "ETXTBSY", "EUSERS", "EWOULDBLOCK", "EXDEV")
errno_same <- list(c("EAGAIN", "EWOULDBLOCK"), c("ENOTSUP", "EOPNOTSUPP"),
                   c("EDEADLK", "EDEADLOCK"))
is_errno <- function(t) sub("^P4M_", "", t) %in% errno_names
same_errno <- function(a, b) {
  a <- sub("^P4M_", "", a); b <- sub("^P4M_", "", b)
  a == b || any(vapply(errno_same, function(g) a %in% g && b %in% g, NA))
}
# The errno that replaces t: the next different one, in order of first use
# and round again, of those the function uses (with t's prefix), else of
# those the file uses; else EINVAL (EIO for EINVAL).
errno_other <- function(t, in_fn, in_file) {
  pre <- sub("^(P4M_)?.*$", "\\1", t)
  for (pool in list(unique(in_fn), unique(in_file))) {
    pool <- pool[sub("^(P4M_)?.*$", "\\1", pool) == pre]
    pos <- match(t, pool)
    if (is.na(pos)) next
    ord <- c(pool[-seq_len(pos)], pool[seq_len(pos)])
    ord <- ord[!vapply(ord, same_errno, NA, b = t)]
    if (length(ord)) return(ord[[1]])
  }
  if (nzchar(pre)) return(NA_character_)
  if (t == "EINVAL") "EIO" else "EINVAL"
}

pad0 <- function(d, w) paste0(strrep("0", max(0, w - nchar(d))), d)

# An integer literal (decimal, hex, octal, any suffix): its value and a
# writer of another value in the same form; NULL for anything else.
int_literal <- function(s) {
  forms <- list(list("^(0[xX])([0-9A-Fa-f]+)([uUlL]*)$", 16),
                list("^(0)([0-7]+)([uUlL]*)$", 8),
                list("^()([1-9][0-9]*|0)([uUlL]*)$", 10))
  digits <- c(0:9, letters[1:6])
  for (f in forms) {
    m <- regmatches(s, regexec(f[[1]], s))[[1]]
    if (!length(m)) next
    b <- f[[2]]
    v <- 0
    for (d in strsplit(tolower(m[[3]]), "")[[1]]) v <- v * b + match(d, digits) - 1
    if (v >= 2^53) return(NULL)
    upper <- !grepl("[a-f]", m[[3]])
    write <- function(x) {
      d <- character()
      repeat { d <- c(digits[[x %% b + 1]], d); x <- x %/% b; if (x == 0) break }
      d <- paste(d, collapse = "")
      if (upper) d <- toupper(d)
      if (b != 10) d <- pad0(d, nchar(m[[3]]))
      paste0(m[[2]], d, m[[4]])
    }
    return(list(value = v, write = write, suffix = m[[4]]))
  }
  NULL
}

# A string literal with one character changed: the first letter outside
# escapes and printf conversions in the other case, else the first digit
# plus one, else the first other printable character to '_' ('-' for '_');
# "" becomes "x".  NA when there is nothing to change (only conversions,
# escapes; non-ASCII text).
str_changed <- function(s) {
  if (grepl("[^\x01-\x7f]", s, useBytes = TRUE)) return(NA_character_)
  body <- substr(s, 2, nchar(s) - 1)
  if (!nzchar(body)) return("\"x\"")
  re <- paste0("\\\\(x[0-9A-Fa-f]+|[0-7]{1,3}|.)|",
               "%[-+ #0]*([0-9]+|\\*)?(\\.([0-9]+|\\*))?(hh|h|ll|l|j|z|t|L)?",
               "[diouxXfFeEgGaAcspn%]|.")
  u <- regmatches(body, gregexpr(re, body, perl = TRUE))[[1]]
  plain <- nchar(u) == 1 & !u %in% c("\\", "%", "\"")
  if (any(u == "%")) return(NA_character_)  # a lone '%': leave its neighbours
  pick <- function(ok) { w <- which(plain & ok); if (length(w)) w[[1]] else NA }
  j <- pick(grepl("^[A-Za-z]$", u))
  if (!is.na(j)) {
    u[[j]] <- if (u[[j]] == toupper(u[[j]])) tolower(u[[j]]) else toupper(u[[j]])
  } else if (!is.na(j <- pick(grepl("^[0-9]$", u)))) {
    u[[j]] <- as.character((as.integer(u[[j]]) + 1) %% 10)
  } else if (!is.na(j <- pick(grepl("^[ -~]$", u)))) {
    u[[j]] <- if (u[[j]] == "_") "-" else "_"
  } else {
    return(NA_character_)
  }
  paste0("\"", paste(u, collapse = ""), "\"")
}

## ---- declared types, for swapping the arguments of a call -------------------
#
# Good enough to tell which neighbouring arguments of a call plausibly have
# the same type (a swap of two that do not would mostly not compile): a type
# is "BASE*DEPTH" (pointer depth; an array counts as one), NA when unknown.

qualifiers <- c("const", "volatile", "restrict", "static", "register",
                "extern", "inline", "auto", "struct", "union", "enum", "signed",
                "unsigned", "short", "long", "typedef")
numeric_bases <- c("char", "short", "int", "long", "unsigned", "signed",
                   "float", "double", "_Bool", "bool", "Rboolean", "num")
is_numeric_base <- function(b, extra) b %in% c(numeric_bases, extra) || grepl("_t$", b)

# Declarators of tokens a..b (b the ';', the ')' of a parameter list, or
# with one = TRUE a function's name): a named character vector name -> type.
# each: every ','-separated part has its own base type (parameters).
decl_vars <- function(txt, ty, mp, a, b, one = FALSE, each = FALSE) {
  out <- character(); base <- NULL
  segs <- list(); j <- a; s0 <- a
  while (j <= b) {
    if (txt[[j]] %in% c("(", "[", "{")) { j <- mp[[j]] + 1; next }
    if (j == b || (!one && txt[[j]] == ",")) {
      e <- if (j == b && !txt[[j]] %in% c(";", ",", ")")) j else j - 1
      segs[[length(segs) + 1]] <- c(s0, e); s0 <- j + 1
    }
    j <- j + 1
  }
  for (sg in segs) {
    ids <- character(); stars <- 0; dims <- 0; fnptr <- FALSE
    j <- sg[[1]]
    while (j <= sg[[2]] && txt[[j]] != "=") {
      t <- txt[[j]]
      if (t == "[") { dims <- dims + 1; j <- mp[[j]] + 1; next }
      if (t == "(") { fnptr <- TRUE; j <- mp[[j]] + 1; next }
      if (t == "{") { j <- mp[[j]] + 1; next }
      if (t == "*") stars <- stars + 1
      else if (ty[[j]] == "id" && !t %in% qualifiers) ids <- c(ids, t)
      else if (ty[[j]] == "id" && t %in% c("short", "long", "unsigned", "signed")) ids <- c(ids, "int")
      j <- j + 1
    }
    if (each) base <- NULL
    if (fnptr || !length(ids)) next
    if (is.null(base)) {
      if (length(ids) < 2) next
      base <- ids[[length(ids) - 1]]
    }
    out[[ids[[length(ids)]]]] <- sprintf("%s*%d", base, stars + dims)
  }
  out
}

# merge named type vectors; a name with two different types is unknown
merge_types <- function(x, y) {
  for (n in names(y)) {
    if (n %in% names(x) && !identical(x[[n]], y[[n]])) x[[n]] <- NA_character_
    else x[[n]] <- y[[n]]
  }
  x
}

# What the top level of a source or header declares: globals, function
# return types, struct members, numeric typedefs, string macros.
scan_types <- function(tk, lines) {
  txt <- tk$text; ty <- tk$type; n <- nrow(tk)
  mp <- integer(n); st <- integer()
  for (k in seq_len(n)) {
    if (txt[[k]] %in% c("(", "[", "{")) st <- c(st, k)
    if (txt[[k]] %in% c(")", "]", "}") && length(st)) {
      o <- st[[length(st)]]; st <- st[-length(st)]; mp[[k]] <- o; mp[[o]] <- k
    }
  }
  res <- list(vars = character(), funs = character(), members = character(),
              numeric = character(), strings = character())
  # members of every struct or union body
  for (k in which(txt == "{" & mp > 0)) {
    if (!(k > 1 && (txt[[k - 1]] %in% c("struct", "union") ||
                    (k > 2 && txt[[k - 2]] %in% c("struct", "union"))))) next
    j <- k + 1; s0 <- j
    while (j < mp[[k]]) {
      if (txt[[j]] %in% c("(", "[", "{")) { j <- mp[[j]] + 1; next }
      if (txt[[j]] == ";") {
        res$members <- merge_types(res$members, decl_vars(txt, ty, mp, s0, j))
        s0 <- j + 1
      }
      j <- j + 1
    }
  }
  # top-level statements
  k <- 1; s0 <- 1
  while (k <= n) {
    t <- txt[[k]]
    if (t == "{" && k > 1 && txt[[k - 1]] == ")") {   # a function body
      o <- mp[[k - 1]]
      if (o > 1 && ty[[o - 1]] == "id")
        res$funs <- merge_types(res$funs, decl_vars(txt, ty, mp, s0, o - 1, one = TRUE))
      k <- mp[[k]] + 1; s0 <- k; next
    }
    if (t %in% c("(", "[", "{")) { k <- mp[[k]] + 1; next }
    if (t == ";") {
      if (txt[[s0]] == "typedef") {
        if (!any(txt[s0:k] %in% c("{", "("))) {
          d <- decl_vars(txt, ty, mp, s0, k)
          for (nm in names(d))
            if (is_numeric_base(sub("\\*0$", "", d[[nm]]), res$numeric) && endsWith(d[[nm]], "*0"))
              res$numeric <- c(res$numeric, nm)
        }
      } else {
        # a prototype: NAME ( ... ) ;
        p <- which(txt[s0:k] == "(")
        if (length(p) && ty[[s0 + p[[1]] - 2]] == "id" && mp[[s0 + p[[1]] - 1]] == k - 1)
          res$funs <- merge_types(res$funs, decl_vars(txt, ty, mp, s0, s0 + p[[1]] - 2, one = TRUE))
        else if (!length(p) || !any(txt[s0:k] == "=") || p[[1]] > which(txt[s0:k] == "=")[[1]])
          res$vars <- merge_types(res$vars, decl_vars(txt, ty, mp, s0, k))
      }
      s0 <- k + 1
    }
    k <- k + 1
  }
  m <- regmatches(lines, regexec("^\\s*#\\s*define\\s+([A-Za-z_][A-Za-z0-9_]*)\\s+\"", lines))
  res$strings <- unique(vapply(Filter(length, m), `[[`, "", 2))
  res
}

# the types of a header or another file, all #if branches taken
header_types <- function(path) {
  bytes <- readBin(path, "raw", file.info(path)$size)
  ch <- rawToChar(bytes, multiple = TRUE)
  line_of <- cumsum(c(1L, ch[-length(ch)] == "\n"))
  lines <- strsplit(rawToChar(bytes), "\n", fixed = TRUE)[[1]]
  live <- !grepl("^\\s*#", lines)
  # continuation lines of a directive
  for (k in which(!live)) {
    j <- k
    while (j < length(lines) && grepl("\\\\\\s*$", lines[[j]])) { j <- j + 1; live[[j]] <- FALSE }
  }
  scan_types(tokenize(ch, line_of, live), lines)
}

combine_types <- function(a, b) {
  list(vars = merge_types(a$vars, b$vars), funs = merge_types(a$funs, b$funs),
       members = merge_types(a$members, b$members),
       numeric = unique(c(a$numeric, b$numeric)),
       strings = unique(c(a$strings, b$strings)))
}

same_type <- function(x, y, numeric) {
  if (is.na(x) || is.na(y)) return(FALSE)
  bx <- sub("\\*[0-9]+$", "", x); dx <- as.integer(sub("^.*\\*", "", x))
  by <- sub("\\*[0-9]+$", "", y); dy <- as.integer(sub("^.*\\*", "", y))
  if (dx == 0 && dy == 0) {
    nx <- is_numeric_base(bx, numeric); ny <- is_numeric_base(by, numeric)
    return((nx && ny) || (!nx && !ny && bx == by))
  }
  if (bx == "null") return(dy >= 1)
  if (by == "null") return(dx >= 1)
  bx == by && dx == dy
}

# The type of the expression in tokens a..b (see above), from the
# declarations in scope (vars: the function's parameters and locals, then
# the file's and the headers' globals), or NA.
expr_type <- function(tk, mp, a, b, vars, types) {
  txt <- tk$text; ty <- tk$type
  num <- "num*0"
  deeper <- function(t, d) {
    if (is.na(t)) return(NA_character_)
    dep <- as.integer(sub("^.*\\*", "", t)) + d
    if (dep < 0) return(NA_character_)
    sprintf("%s*%d", sub("\\*[0-9]+$", "", t), dep)
  }
  is_num <- function(t) !is.na(t) && same_type(t, num, types$numeric)
  while (a < b && txt[[a]] == "(" && mp[[a]] == b) { a <- a + 1; b <- b - 1 }
  if (a > b) return(NA_character_)
  top <- integer(); j <- a
  while (j <= b) { top <- c(top, j); j <- if (txt[[j]] %in% c("(", "[", "{")) mp[[j]] + 1 else j + 1 }
  tt <- txt[top]
  if (any(tt %in% c("?", ":", "=", "+=", "-=", "*=", "/=", "|=", "&=", ",", "{")))
    return(NA_character_)
  if (any(tt %in% c(names(rel_swap), "&&", "||"))) return(num)
  bin <- which(tt %in% c("+", "-", "*", "/", "%", "<<", ">>", "&", "|", "^") &
                 seq_along(top) > 1)
  bin <- bin[vapply(bin, function(i) operand_end(tk, top[[i - 1]], mp), NA)]
  if (length(bin)) {
    cuts <- c(a - 1, top[bin], b + 1)
    parts <- vapply(seq_len(length(cuts) - 1), function(i)
      expr_type(tk, mp, cuts[[i]] + 1, cuts[[i + 1]] - 1, vars, types), "")
    if (all(vapply(parts, is_num, NA))) return(num)
    ptr <- !vapply(parts, is_num, NA)
    if (sum(ptr) == 1 && !is.na(parts[ptr]) && all(tt[bin] %in% c("+", "-")) &&
        grepl("\\*[1-9]", parts[ptr]) && which(ptr) == 1) return(parts[ptr])
    return(NA_character_)
  }
  t <- txt[[a]]
  if (t == "sizeof") return(num)
  if (t == "&") return(deeper(expr_type(tk, mp, a + 1, b, vars, types), 1))
  if (t == "*") return(deeper(expr_type(tk, mp, a + 1, b, vars, types), -1))
  if (t == "!") return(num)
  if (t %in% c("-", "+", "~", "++", "--")) {
    x <- expr_type(tk, mp, a + 1, b, vars, types)
    return(if (is_num(x)) num else NA_character_)
  }
  if (t == "(" && !operand_end(tk, mp[[a]], mp)) {   # a cast: its type
    close <- mp[[a]]
    ids <- txt[(a + 1):(close - 1)]
    base <- setdiff(ids[ty[(a + 1):(close - 1)] == "id"], qualifiers)
    if (!length(base)) base <- "int"
    return(sprintf("%s*%d", base[[length(base)]], sum(ids == "*")))
  }
  # a primary expression and its postfixes
  if (t == "(") {
    cur <- expr_type(tk, mp, a + 1, mp[[a]] - 1, vars, types)
    j <- mp[[a]] + 1
  } else if (ty[[a]] %in% c("num", "chr")) {
    cur <- if (grepl("^[0-9.]*[eE.]", t) && !grepl("^0[xX]", t)) "double*0" else num
    j <- a + 1
  } else if (ty[[a]] == "str") {
    j <- a; while (j <= b && ty[[j]] == "str") j <- j + 1
    cur <- "char*1"
  } else if (ty[[a]] == "id") {
    cur <- if (t == "NULL") "null*1"
      else if (t %in% names(vars)) vars[[t]]
      else if (t %in% names(types$vars)) types$vars[[t]]
      else if (t %in% types$strings) "char*1"
      else if (is_errno(t)) num
      else if (grepl("^[A-Z][A-Z0-9_]+$", t) && !(a < b && txt[[a + 1]] == "(")) num
      else NA_character_
    j <- a + 1
  } else {
    return(NA_character_)
  }
  while (j <= b) {
    p <- txt[[j]]
    if (p == "[") { cur <- deeper(cur, -1); j <- mp[[j]] + 1 }
    else if (p == "(") {
      f <- txt[[j - 1]]
      cur <- if (ty[[j - 1]] == "id" && f %in% names(types$funs)) types$funs[[f]] else NA_character_
      j <- mp[[j]] + 1
    } else if (p %in% c("->", ".") && j < b) {
      m <- txt[[j + 1]]
      cur <- if (m %in% names(types$members)) types$members[[m]] else NA_character_
      j <- j + 2
    } else if (p %in% c("++", "--")) j <- j + 1
    else return(NA_character_)
  }
  cur
}

# A source file: its characters, lines, tokens of the live code and their
# analysis (functions, statements).
parse_file <- function(path, cpp) {
  bytes <- readBin(path, "raw", file.info(path)$size)
  ch <- rawToChar(bytes, multiple = TRUE)
  line_of <- cumsum(c(1L, ch[-length(ch)] == "\n"))
  lines <- strsplit(rawToChar(bytes), "\n", fixed = TRUE)[[1]]
  live <- live_lines(lines, cpp, dirname(path))
  tk <- tokenize(ch, line_of, live)
  list(path = path, ch = ch, line_of = line_of, lines = lines, tk = tk,
       an = analyse(tk))
}

## ---- functions whose callers only test the sign -------------------------------
#
# lit_inc turns "return -1;" into "return -2;".  Where every use of the
# function's value in the package only tests it against 0 or a literal
# that is not negative (f() != 0, f() < 0, if (f()), !f(), rc = f() with
# every use of rc such a test, or return f() from a function of the same
# kind), -2 does what -1 does, and the mutant is not derived (see
# README.md).  A function whose name is used otherwise (as a pointer, an
# argument, in arithmetic, compared with -1 as spec.c does) keeps it.
sign_only_functions <- function(parsed) {
  rel <- c("<", "<=", ">", ">=", "==", "!=")
  # enum members with a value that is not negative: they compare like literals
  nonneg <- character()
  for (p in parsed) {
    txt <- p$tk$text
    for (k in which(txt == "enum")) {
      o <- if (txt[[k + 1]] == "{") k + 1 else if (txt[[k + 2]] == "{") k + 2 else NA
      if (is.na(o)) next
      j <- o + 1
      while (j < p$an$match[[o]]) {
        if (p$tk$type[[j]] == "id" && txt[[j - 1]] %in% c("{", ",") &&
            !(txt[[j + 1]] == "=" && txt[[j + 2]] == "-")) nonneg <- c(nonneg, txt[[j]])
        j <- j + 1
      }
    }
  }
  # (a static function's name counts in its own file only: "static int
  # seed()" in settings.c is not report.c's local "seed")
  statics <- lapply(parsed, function(p) {
    txt <- p$tk$text
    unlist(lapply(p$an$fns, function(f) {
      h <- f[[1]] - 1; j <- h - 1
      while (j >= 1 && !txt[[j]] %in% c(";", "}", ")", "static")) j <- j - 1
      if (j >= 1 && txt[[j]] == "static") txt[[h]]
    }))
  })
  defined <- unique(unlist(lapply(parsed, function(p)
    vapply(p$an$fns, function(f) p$tk$text[[f[[1]] - 1]], ""))))
  ok <- setNames(rep(TRUE, length(defined)), defined)
  ok[sprintf("%d:%s", rep(seq_along(statics), lengths(statics)), unlist(statics))] <- TRUE
  key <- function(i, name) {
    if (name %in% statics[[i]]) sprintf("%d:%s", i, name) else name
  }
  # how the value of tokens a..b (a call or a variable) is used in p:
  # "ok", "bad", or "ret" (returned by its function)
  use_of <- function(p, a, b, vars = TRUE) {
    txt <- p$tk$text; ty <- p$tk$type; mp <- p$an$match
    nx <- txt[[b + 1]]; pv <- txt[[a - 1]]
    lit <- function(j) (ty[[j]] == "num") || txt[[j]] %in% nonneg
    if (nx %in% rel) return(if (lit(b + 2)) "ok" else "bad")
    if (pv %in% rel) return(if (lit(a - 2) && !txt[[a - 3]] %in% c("-", "+")) "ok" else "bad")
    if (pv %in% c("!", "&&", "||") || nx %in% c("&&", "||", "?")) return("ok")
    cond <- function(o) o > 1 && txt[[o - 1]] %in% c("if", "while", "for")
    if (pv == "(" && nx == ")" && mp[[a - 1]] == b + 1 && cond(a - 1)) return("ok")
    if (pv == "return" && nx == ";") return("ret")
    if (nx == ";" && (pv %in% c(";", "{", "}", "else") ||
                      (pv == ")" && (cond(mp[[a - 1]]) ||
                                     (txt[[a - 2]] == "void" && txt[[a - 3]] == "("))))) return("ok")
    if (vars && pv == "=" && nx %in% c(";", ",") && ty[[a - 2]] == "id" &&
        !txt[[a - 3]] %in% c("*", ".", "->")) {
      v <- txt[[a - 2]]; fn <- p$an$fn[[a]]
      uses <- which(p$tk$text == v & p$tk$type == "id" & p$an$fn %in% fn)
      res <- "ok"
      for (j in uses) {
        if (txt[[j + 1]] == "=" || (j == a - 2)) next
        if (txt[[j - 1]] %in% c("int", "long", ",") && txt[[j + 1]] %in% c(";", ",")) next
        u <- use_of(p, j, j, vars = FALSE)
        if (u == "bad") return("bad")
        if (u == "ret") res <- "ret"
      }
      return(res)
    }
    "bad"
  }
  repeat {
    changed <- FALSE
    for (i in seq_along(parsed)) {
      p <- parsed[[i]]
      txt <- p$tk$text; ty <- p$tk$type
      heads <- vapply(p$an$fns, function(f) f[[1]] - 1, 0)
      for (k in which(ty == "id" & txt %in% defined)) {
        if (k %in% heads) next
        f <- key(i, txt[[k]])
        if (!isTRUE(ok[f])) next
        g <- p$an$fn[[k]]
        call <- k < length(txt) && txt[[k + 1]] == "("
        if (is.na(g) && call) next          # a prototype
        u <- if (call) use_of(p, k, p$an$match[[k + 1]]) else "bad"
        if (u == "bad" || (u == "ret" && !isTRUE(ok[key(i, g)]))) {
          ok[[f]] <- FALSE; changed <- TRUE
        }
      }
    }
    if (!changed) break
  }
  # by file: the functions of each whose callers only test the sign
  lapply(seq_along(parsed), function(i) {
    fns <- unique(vapply(parsed[[i]]$an$fns, function(f) parsed[[i]]$tk$text[[f[[1]] - 1]], ""))
    fns[vapply(fns, function(f) isTRUE(ok[key(i, f)]), NA)]
  })
}

derive_file <- function(p, htypes, sign_only) {
  ch <- p$ch; line_of <- p$line_of; lines <- p$lines; tk <- p$tk; an <- p$an
  path <- p$path
  muts <- list()
  add <- function(k, op, from, to, repl) {
    muts[[length(muts) + 1]] <<- list(fn = an$fn[[k]], op = op, from = from,
                                      to = to, repl = repl, line = line_of[[from]])
  }
  txt <- tk$text
  # R's registration hooks only register routines: any change breaks all
  an$code[grepl("^R_(init|unload)_", an$fn)] <- FALSE
  an$stmts <- Filter(function(s) !grepl("^R_(init|unload)_", an$fn[[s[[1]]]]), an$stmts)
  for (k in seq_len(nrow(tk))) {
    if (!an$code[[k]] || is.na(an$fn[[k]])) next
    t <- txt[[k]]
    if (tk$type[[k]] == "op") {
      binary <- k > 1 && operand_end(tk, k - 1, an$match)
      if (t %in% names(rel_swap)) {
        add(k, paste0("rel_", rel_name[[t]]), tk$start[[k]], tk$end[[k]], rel_swap[[t]])
      } else if (t == "&&") {
        add(k, "log_and_or", tk$start[[k]], tk$end[[k]], "||")
      } else if (t == "||") {
        add(k, "log_or_and", tk$start[[k]], tk$end[[k]], "&&")
      } else if (t == "+" && binary) {
        add(k, "arith_add_sub", tk$start[[k]], tk$end[[k]], "-")
      } else if (t == "-" && binary) {
        add(k, "arith_sub_add", tk$start[[k]], tk$end[[k]], "+")
      } else if (t == "*" && binary && txt[[k + 1]] != ")") {
        add(k, "arith_mul_div", tk$start[[k]], tk$end[[k]], "/")
      } else if (t == "+=") {
        add(k, "asg_add_sub", tk$start[[k]], tk$end[[k]], "-=")
      } else if (t == "-=") {
        add(k, "asg_sub_add", tk$start[[k]], tk$end[[k]], "+=")
      }
    } else if (tk$type[[k]] %in% c("num", "chr")) {
      # an operand of a comparison: the operator right before or after it
      op <- NA_character_
      if (k < nrow(tk) && txt[[k + 1]] %in% names(rel_swap)) {
        op <- mirror[[txt[[k + 1]]]]
      } else if (k > 1 && txt[[k - 1]] %in% names(rel_swap)) {
        op <- txt[[k - 1]]
      }
      if (is.na(op)) next
      if (op %in% c("==", "!=")) next  # not a bound
      if (k > 2 && txt[[k - 1]] == "-" && !operand_end(tk, k - 2, an$match)) next  # -1
      for (d in shift_for[[op]]) {
        r <- shift_literal(t, d)
        if (is.na(r)) next
        add(k, if (d > 0) "const_inc" else "const_dec", tk$start[[k]], tk$end[[k]], r)
      }
    }
  }
  for (s in an$stmts) {
    add(s[[1]], "stmt_del", tk$start[[s[[1]]]], tk$end[[s[[2]]]], ";")
  }
  derive_more(tk, an, ch, lines, htypes, add, sign_only)
  for (f in an$ifs) {
    # a condition that is a comparison is mutated by the relational swaps
    # already ("if (a == b)" negated is rel_eq_ne); negate only the others
    top <- top_level(f[[1]] + 1, f[[2]] - 1, an$match, txt)
    if (any(top %in% names(rel_swap))) next
    a <- tk$start[[f[[1]]]] + 1; b <- tk$end[[f[[2]]]] - 1
    add(f[[1]], "if_neg", a, b, paste0("!(", paste(ch[a:b], collapse = ""), ")"))
  }
  if (!length(muts)) return(NULL)
  ord <- order(vapply(muts, `[[`, 0, "from"), vapply(muts, `[[`, "", "op"))
  muts <- muts[ord]
  # ids: occurrence of the operator within its function, in source order
  key <- paste(vapply(muts, `[[`, "", "fn"), vapply(muts, `[[`, "", "op"))
  occ <- ave(seq_along(key), key, FUN = seq_along)
  base <- basename(path)
  for (j in seq_along(muts)) {
    m <- muts[[j]]
    muts[[j]]$id <- sprintf("%s:%s:%s:%d", base, m$fn, m$op, occ[[j]])
    muts[[j]]$file <- base
    muts[[j]]$ch <- ch
    muts[[j]]$lines <- lines
  }
  muts
}

# The operators flag_drop, jump_del, lit_inc, lit_zero, str_empty, str_char,
# errno_swap and arg_swap (see the header), through add(k, op, from, to, repl).
derive_more <- function(tk, an, ch, lines, htypes, add, sign_only) {
  txt <- tk$text; ty <- tk$type; mp <- an$match; n <- nrow(tk)
  st <- tk$start; en <- tk$end
  fnv <- ifelse(is.na(an$fn), "", an$fn)
  ok <- an$code & nzchar(fnv)
  rel <- names(rel_swap)
  text_of <- function(a, b) paste(ch[st[[a]]:en[[b]]], collapse = "")

  # flag_drop: one operand of an OR-ed set of flags dropped
  boundary <- c(",", ";", "=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
                "<<=", ">>=", "?", ":", "&&", "||", "return", rel)
  seen <- integer()
  for (k in which(txt == "|" & ty == "op" & ok)) {
    if (k %in% seen) next
    lo <- k - 1
    while (lo >= 1) {
      t <- txt[[lo]]
      if (t %in% c(")", "]", "}")) lo <- mp[[lo]] - 1
      else if (t %in% c("(", "[", "{", ";")) break
      else lo <- lo - 1
    }
    hi <- k + 1
    while (hi <= n) {
      t <- txt[[hi]]
      if (t %in% c("(", "[", "{")) hi <- mp[[hi]] + 1
      else if (t %in% c(")", "]", "}", ";")) break
      else hi <- hi + 1
    }
    top <- integer(); j <- lo + 1
    while (j < hi) { top <- c(top, j); j <- if (txt[[j]] %in% c("(", "[", "{")) mp[[j]] + 1 else j + 1 }
    cut <- c(0, which(txt[top] %in% boundary), length(top) + 1)
    seg <- max(cut[cut < match(k, top)])
    chain <- top[(seg + 1):(min(cut[cut > match(k, top)]) - 1)]
    bars <- chain[txt[chain] == "|"]
    seen <- c(seen, bars)
    edges <- c(0, match(bars, chain), length(chain) + 1)
    ops <- lapply(seq_len(length(edges) - 1), function(i) {
      a <- chain[[edges[[i]] + 1]]; b <- chain[[edges[[i + 1]] - 1]]
      c(a, if (txt[[b]] %in% c("(", "[", "{")) mp[[b]] else b)
    })
    # (O_RDONLY is 0: dropping it changes nothing)
    upper <- function(j) ty[[j]] == "id" && grepl("^[A-Z][A-Z0-9_]+$", txt[[j]]) &&
      txt[[j]] != "O_RDONLY"
    single <- vapply(ops, function(o) o[[1]] == o[[2]] && upper(o[[1]]), NA)
    if (!any(single)) next
    group <- vapply(ops, function(o) txt[[o[[1]]]] == "(" && mp[[o[[1]]]] == o[[2]] &&
                      any(vapply(o[[1]]:o[[2]], upper, NA)), NA)
    for (i in which(single | group)) {
      o <- ops[[i]]
      if (i == 1) add(o[[1]], "flag_drop", st[[o[[1]]]], st[[ops[[2]][[1]]]] - 1, "")
      else add(o[[1]], "flag_drop", en[[ops[[i - 1]][[2]]]] + 1, en[[o[[2]]]], "")
    }
  }

  # jump_del: 'continue;' or 'break;' deleted (stmt_del already deletes a
  # 'break;' that is a line by itself)
  whole <- vapply(an$stmts, `[[`, 0, 1)
  for (k in which(txt %in% c("continue", "break") & ty == "id" & ok)) {
    if (k %in% whole || k == n || txt[[k + 1]] != ";") next
    add(k, "jump_del", st[[k]], en[[k + 1]], ";")
  }

  # lit_inc, lit_zero: an integer literal outside a comparison
  for (k in which(ty == "num" & ok)) {
    j <- k - 1
    if (j > 1 && txt[[j]] %in% c("-", "+", "~") && !operand_end(tk, j - 1, mp)) j <- j - 1
    if ((k < n && txt[[k + 1]] %in% rel) || txt[[j]] %in% rel) next
    lit <- int_literal(txt[[k]])
    if (is.null(lit)) next
    # "return -1" (or "return c ? x : -1") where the callers only test the
    # sign: -2 is the same (sign_only_functions())
    ret_m1 <- txt[[k]] == "1" && txt[[k - 1]] == "-" && j == k - 2 &&
      txt[[k - 2]] %in% c("return", "?", ":") && txt[[k + 1]] %in% c(";", ":") &&
      fnv[[k]] %in% sign_only && {
        b <- k - 2
        while (!txt[[b]] %in% c("return", ";", "{", "}")) b <- b - 1
        txt[[b]] == "return"
      }
    if (!ret_m1) add(k, "lit_inc", st[[k]], en[[k]], lit$write(lit$value + 1))
    if (lit$value != 0) add(k, "lit_zero", st[[k]], en[[k]], paste0("0", lit$suffix))
  }

  # str_empty, str_char: a string literal emptied, one character changed
  for (k in which(ty == "str" & ok)) {
    if (nchar(txt[[k]], type = "bytes") > 2) add(k, "str_empty", st[[k]], en[[k]], "\"\"")
    r <- str_changed(txt[[k]])
    if (!is.na(r)) add(k, "str_char", st[[k]], en[[k]], r)
  }

  # errno_swap: an errno constant swapped for another
  is_e <- ty == "id" & ok & is_errno(txt)
  for (k in which(is_e)) {
    r <- errno_other(txt[[k]], txt[is_e & fnv == fnv[[k]]], txt[is_e])
    if (!is.na(r)) add(k, "errno_swap", st[[k]], en[[k]], r)
  }

  # arg_swap: two neighbouring arguments of a call, of plausibly the same
  # type, swapped
  types <- combine_types(htypes, scan_types(tk, lines))
  fn_vars <- list()
  for (f in an$fns) {
    name <- txt[[f[[1]] - 1]]
    v <- if (f[[2]] > f[[1]] + 1) decl_vars(txt, ty, mp, f[[1]] + 1, f[[2]], each = TRUE) else character()
    for (d in an$decls) if (fnv[[d[[1]]]] == name) v <- merge_types(v, decl_vars(txt, ty, mp, d[[1]], d[[2]]))
    fn_vars[[name]] <- v
  }
  for (k in which(ty == "id" & ok)) {
    if (k == n || txt[[k + 1]] != "(" || txt[[k]] %in% keywords) next
    open <- k + 1; close <- mp[[open]]
    if (close == open + 1) next
    args <- list(); j <- open + 1; s0 <- j
    while (j <= close) {
      if (j == close || txt[[j]] == ",") {
        args[[length(args) + 1]] <- c(s0, j - 1); s0 <- j + 1; j <- j + 1; next
      }
      j <- if (txt[[j]] %in% c("(", "[", "{")) mp[[j]] + 1 else j + 1
    }
    if (length(args) < 2) next
    vars <- fn_vars[[fnv[[k]]]]
    if (is.null(vars)) vars <- character()
    typ <- vapply(args, function(g) expr_type(tk, mp, g[[1]], g[[2]], vars, types), "")
    # (the two strings of a comparison only tested for equality: swapped,
    # the same test)
    eq_only <- txt[[k]] %in% c("strcmp", "strncmp", "memcmp") &&
      ((close < n - 1 && txt[[close + 1]] %in% c("==", "!=") && txt[[close + 2]] == "0") ||
       (k > 1 && txt[[k - 1]] == "!"))
    for (i in seq_len(length(args) - 1)) {
      if (eq_only && i == 1) next
      g1 <- args[[i]]; g2 <- args[[i + 1]]
      a1 <- text_of(g1[[1]], g1[[2]]); a2 <- text_of(g2[[1]], g2[[2]])
      if (a1 == a2 || !same_type(typ[[i]], typ[[i + 1]], types$numeric)) next
      mid <- paste(ch[(en[[g1[[2]]]] + 1):(st[[g2[[1]]]] - 1)], collapse = "")
      add(g1[[1]], "arg_swap", st[[g1[[1]]]], en[[g2[[2]]]], paste0(a2, mid, a1))
    }
  }
}

mutated_text <- function(m) {
  ch <- m$ch
  paste0(paste(ch[seq_len(m$from - 1)], collapse = ""), m$repl,
         paste(ch[-seq_len(m$to)], collapse = ""))
}

## ---- main ----------------------------------------------------------------------

files <- sort(list.files(opt$src, pattern = "\\.c$", full.names = TRUE))
headers <- sort(list.files(opt$src, pattern = "\\.h$", full.names = TRUE))
htypes <- list(vars = character(), funs = character(), members = character(),
               numeric = character(), strings = character())
for (h in headers) htypes <- combine_types(htypes, header_types(h))
parsed <- lapply(files, parse_file, cpp = opt$cpp)
sign_only <- sign_only_functions(parsed)
all <- list()
for (i in seq_along(parsed)) all <- c(all, derive_file(parsed[[i]], htypes, sign_only[[i]]))
ids <- vapply(all, `[[`, "", "id")
if (anyDuplicated(ids)) stop("duplicate mutant ids: ", paste(ids[duplicated(ids)], collapse = " "))

equiv <- character()
if (nzchar(opt$equivalent) && file.exists(opt$equivalent)) {
  el <- readLines(opt$equivalent, warn = FALSE)
  el <- el[nzchar(trimws(el)) & !grepl("^#", el)]
  bad <- !grepl("^[^\t]+\t.*[^[:space:]]", el)
  if (any(bad)) stop(opt$equivalent, ": a line is not 'ID<TAB>reason': ", el[bad][[1]])
  equiv <- sub("\t.*$", "", el)
  stale <- setdiff(equiv, ids)
  for (s in stale) message("note: ", opt$equivalent, " lists ", s,
                           ", which is no longer derived")
}

sel <- seq_along(all)
if (length(opt$only)) {
  hit <- ids %in% opt$only
  if (!any(hit)) for (o in opt$only) hit <- hit | grepl(o, ids)
  if (!any(hit)) stop("no mutant matches --only ", paste(opt$only, collapse = " "))
  sel <- which(hit)
}
if (!is.na(opt$sample)) {
  n <- as.integer(opt$sample)
  set.seed(as.integer(opt$seed))
  if (n < length(sel)) sel <- sort(sel[sample.int(length(sel), n)])
}

dir.create(opt$out, recursive = TRUE, showWarnings = FALSE)
one_line <- function(s) gsub("[\t\r]", " ", trimws(s))
rows <- character()
for (j in seq_along(sel)) {
  m <- all[[sel[[j]]]]
  status <- if (m$id %in% equiv) "equivalent" else "run"
  new <- mutated_text(m)
  new_lines <- strsplit(new, "\n", fixed = TRUE)[[1]]
  rows <- c(rows, paste(j, m$id, m$file, m$line, status,
                        one_line(m$lines[[m$line]]), one_line(new_lines[[m$line]]),
                        sep = "\t"))
  if (status == "run") {
    d <- file.path(opt$out, j)
    dir.create(d, showWarnings = FALSE)
    writeBin(charToRaw(new), file.path(d, m$file))
  }
}
writeLines(rows, file.path(opt$out, "index.tsv"))
cat(length(all), "\n", sep = "", file = file.path(opt$out, "total"))
