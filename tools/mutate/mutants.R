# Derive the mutants of the package's C sources (used by tools/mutate/run.sh).
#
#   Rscript mutants.R --src DIR --out DIR [--cpp "CMD"] [--sample N --seed S]
#                     [--only ID]... [--equivalent FILE]
#
# Reads every DIR/*.c, finds the code the compiler sees on this platform (the
# preprocessor decides which #if branches are live: --cpp is the command that
# runs it, e.g. "gcc -E -P -I/usr/share/R/include"), tokenizes it (comments,
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
      walk_body(tk, k, close, match_paren, code, stmts, ifs, is_void, env = environment())
      k <- close + 1
      next
    }
    if (tk$text[[k]] == "{") { k <- match_paren[[k]] + 1; next }
    k <- k + 1
  }
  list(fn = fn, code = code, stmts = stmts, ifs = ifs, match = match_paren)
}

# Walk one function body (tokens a..b, a and b its braces), statement by
# statement; sets code/stmts/ifs in env.
walk_body <- function(tk, a, b, mp, code, stmts, ifs, is_void, env) {
  code <- env$code; stmts <- env$stmts; ifs <- env$ifs
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
  env$code <- code; env$stmts <- stmts; env$ifs <- ifs
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
    digits <- formatC(digits, width = nchar(m[[3]]), flag = "0")
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

derive_file <- function(path, cpp) {
  bytes <- readBin(path, "raw", file.info(path)$size)
  ch <- rawToChar(bytes, multiple = TRUE)
  line_of <- cumsum(c(1L, ch[-length(ch)] == "\n"))
  lines <- strsplit(rawToChar(bytes), "\n", fixed = TRUE)[[1]]
  live <- live_lines(lines, cpp, dirname(path))
  tk <- tokenize(ch, line_of, live)
  an <- analyse(tk)
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

mutated_text <- function(m) {
  ch <- m$ch
  paste0(paste(ch[seq_len(m$from - 1)], collapse = ""), m$repl,
         paste(ch[-seq_len(m$to)], collapse = ""))
}

## ---- main ----------------------------------------------------------------------

files <- sort(list.files(opt$src, pattern = "\\.c$", full.names = TRUE))
all <- list()
for (f in files) all <- c(all, derive_file(f, opt$cpp))
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
