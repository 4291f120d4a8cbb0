#include "ncprof/bench/projection.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "ncprof/util/regex.hpp"

namespace ncprof::bench {

namespace {

// A syntax error at a byte offset of the query.
struct QueryError {
  std::size_t off;
  std::string msg;
};

Error syntax_error(const std::string& what, std::string_view query, const QueryError& e) {
  const std::string shown = query.size() > 120 ? std::string(query.substr(0, 120)) + "..." : std::string(query);
  return Error{ErrorKind::usage, fmt::format("{}: syntax error at offset {}: {} (in \"{}\")", what, e.off, e.msg, shown)};
}

bool is_op(char c) { return c == '(' || c == ')' || c == ':' || c == '@' || c == ','; }
bool is_start_op(char c) { return is_op(c) || c == '-' || c == '*'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

struct Token {
  char kind = 0;  // 0 end, an operator, 'w' word, 'q' quoted word, 'r' regexp, 'A' AND, 'O' OR
  std::size_t off = 0;
  std::string text;
};

// benchproc's tokenizer: the same words, quoting and regexp delimiting.
class Tokenizer {
 public:
  explicit Tokenizer(std::string_view q) : q_(q) {}

  Token peek(bool allow_regexp = false) const {
    Tokenizer copy = *this;
    return copy.next(allow_regexp);
  }

  Token next(bool allow_regexp = false) {
    while (pos_ < q_.size() && is_space(q_[pos_])) ++pos_;
    Token t;
    t.off = pos_;
    if (pos_ >= q_.size()) return t;
    const char c = q_[pos_];
    if (is_start_op(c)) {
      t.kind = c;
      t.text = std::string(1, c);
      ++pos_;
    } else if (allow_regexp && c == '/') {
      t = regexp();
    } else if (c == '"') {
      t = quoted();
    } else {
      std::size_t end = pos_;
      while (end < q_.size() && !is_space(q_[end]) && !is_op(q_[end])) ++end;
      t.text = std::string(q_.substr(pos_, end - pos_));
      t.kind = t.text == "AND" ? 'A' : t.text == "OR" ? 'O' : 'w';
      pos_ = end;
    }
    return t;
  }

  std::size_t pos() const { return pos_; }

 private:
  Token quoted() {
    Token t{'q', pos_, ""};
    std::size_t i = pos_ + 1;
    for (; i < q_.size() && q_[i] != '"'; ++i) {
      if (q_[i] != '\\') {
        t.text += q_[i];
        continue;
      }
      if (++i >= q_.size()) break;
      switch (q_[i]) {
        case 'n': t.text += '\n'; break;
        case 't': t.text += '\t'; break;
        case 'r': t.text += '\r'; break;
        case '\\': t.text += '\\'; break;
        case '"': t.text += '"'; break;
        case '\'': t.text += '\''; break;
        default: throw QueryError{pos_, "bad escape sequence"};
      }
    }
    if (i >= q_.size()) throw QueryError{pos_, "missing end quote"};
    pos_ = i + 1;
    return t;
  }

  Token regexp() {
    // Up to the first "/" outside brackets and parentheses.
    const std::size_t start = pos_ + 1;
    int brackets = 0, parens = 0;
    std::size_t i = start;
    for (; i < q_.size(); ++i) {
      const char c = q_[i];
      if (brackets == 0 && parens == 0 && c == '/') break;
      if (c == '[') {
        ++brackets;
      } else if (c == ']') {
        brackets = std::max(0, brackets - 1);
      } else if (c == '(' && brackets == 0) {
        ++parens;
      } else if (c == ')' && brackets == 0) {
        --parens;
      } else if (c == '\\') {
        ++i;
      }
    }
    if (i >= q_.size()) throw QueryError{pos_, "missing close \"/\""};
    Token t{'r', pos_, std::string(q_.substr(start, i - start))};
    pos_ = i + 1;
    if (pos_ < q_.size() && !is_space(q_[pos_]) && !is_start_op(q_[pos_])) {
      throw QueryError{pos_, "regexp must be followed by space or an operator (unescaped \"/\"?)"};
    }
    return t;
  }

  std::string_view q_;
  std::size_t pos_ = 0;
};

std::string quote_token(const Token& t) { return t.kind == 0 ? "end of input" : fmt::format("\"{}\"", t.text); }

std::pair<std::string_view, std::string_view> split_gomaxprocs(std::string_view n) {
  for (std::size_t i = n.size(); i-- > 0;) {
    if (n[i] == '-' && i + 1 < n.size()) return {n.substr(0, i), n.substr(i)};
    if (n[i] < '0' || n[i] > '9') break;
  }
  return {n, {}};
}

}  // namespace

struct Filter::Node {
  enum class Kind { all_of, any_of, negate, match };
  Kind kind = Kind::all_of;
  std::vector<std::unique_ptr<Node>> subs;
  std::string key, literal;
  std::unique_ptr<util::Regex> re;

  bool matches(std::string_view value) const { return re ? re->search(value) : value == literal; }

  bool keeps(const BenchResult& r, const ConfigLookup& config, std::size_t value) const {
    switch (kind) {
      case Kind::all_of:
        return std::all_of(subs.begin(), subs.end(), [&](const auto& s) { return s->keeps(r, config, value); });
      case Kind::any_of:
        return std::any_of(subs.begin(), subs.end(), [&](const auto& s) { return s->keeps(r, config, value); });
      case Kind::negate:
        return !subs[0]->keeps(r, config, value);
      case Kind::match:
        break;
    }
    if (key == ".unit") {
      if (value >= r.values.size()) return false;
      const auto& v = r.values[value];
      return matches(v.unit) || (!v.orig_unit.empty() && matches(v.orig_unit));
    }
    if (key == ".name") return matches(base_name(r.fullname));
    if (key == ".fullname") return matches(r.fullname);
    if (key == ".file") return matches(r.file);
    if (key[0] == '/') return matches(name_key_value(r.fullname, key));
    return matches(config(key));
  }
};

namespace {

using Node = Filter::Node;

class FilterParser {
 public:
  explicit FilterParser(std::string_view q) : toks_(q) {}

  std::unique_ptr<Node> parse() {
    auto e = expr();
    if (Token t = toks_.peek(); t.kind != 0) throw QueryError{t.off, "unexpected " + quote_token(t)};
    return e;
  }

 private:
  static std::unique_ptr<Node> op(Node::Kind kind, std::vector<std::unique_ptr<Node>> subs) {
    auto n = std::make_unique<Node>();
    n->kind = kind;
    n->subs = std::move(subs);
    return n;
  }

  std::unique_ptr<Node> expr() {
    std::vector<std::unique_ptr<Node>> terms;
    terms.push_back(and_expr());
    while (toks_.peek().kind == 'O') {
      toks_.next();
      terms.push_back(and_expr());
    }
    return terms.size() == 1 ? std::move(terms[0]) : op(Node::Kind::any_of, std::move(terms));
  }

  std::unique_ptr<Node> and_expr() {
    std::vector<std::unique_ptr<Node>> terms;
    terms.push_back(match());
    for (;;) {
      const Token t = toks_.peek();
      if (t.kind == 'A') {
        toks_.next();
        continue;
      }
      if (t.kind == '(' || t.kind == '-' || t.kind == '*' || t.kind == 'w' || t.kind == 'q') {
        terms.push_back(match());
        continue;
      }
      if (t.kind == ')' || t.kind == 'O' || t.kind == 0) break;
      throw QueryError{t.off, "unexpected " + quote_token(t)};
    }
    return terms.size() == 1 ? std::move(terms[0]) : op(Node::Kind::all_of, std::move(terms));
  }

  std::unique_ptr<Node> match() {
    const std::size_t start = toks_.pos();
    Token t = toks_.next();
    // Subexpressions and negations recurse: a hostile query of a million
    // "(" must not overflow the stack.
    struct Depth {
      int& d;
      explicit Depth(int& x, std::size_t off) : d(x) {
        if (++d > kMaxDepth) throw QueryError{off, "expression nested too deeply"};
      }
      ~Depth() { --d; }
    } depth(depth_, t.off);
    if (t.kind == '(') {
      auto e = expr();
      if (toks_.next().kind != ')') throw QueryError{toks_.pos(), "missing \")\""};
      return e;
    }
    if (t.kind == '-') {
      std::vector<std::unique_ptr<Node>> one;
      one.push_back(match());
      return op(Node::Kind::negate, std::move(one));
    }
    if (t.kind == '*') return op(Node::Kind::all_of, {});
    if (t.kind != 'w' && t.kind != 'q') throw QueryError{t.off, "expected key:value or subexpression"};
    const std::string key = t.text;
    if (key.empty()) throw QueryError{t.off, "key must not be empty"};
    if (key == ".config") throw QueryError{t.off, ".config is only allowed in projections"};
    if (toks_.next().kind != ':') throw QueryError{start, "expected key:value"};
    Token v = toks_.next(true);
    if (v.kind == '(') {
      std::vector<std::unique_ptr<Node>> terms;
      for (;;) {
        Token w = toks_.next(true);
        if (w.kind != 'w' && w.kind != 'q' && w.kind != 'r') throw QueryError{w.off, "expected value"};
        terms.push_back(leaf(key, w));
        Token sep = toks_.next(true);
        if (sep.kind == ')') break;
        if (sep.kind != 'O') throw QueryError{sep.off, "value list must be separated by OR"};
      }
      return op(Node::Kind::any_of, std::move(terms));
    }
    if (v.kind != 'w' && v.kind != 'q' && v.kind != 'r') throw QueryError{start, "expected key:value"};
    return leaf(key, v);
  }

  static std::unique_ptr<Node> leaf(const std::string& key, const Token& v) {
    auto n = std::make_unique<Node>();
    n->kind = Node::Kind::match;
    n->key = key;
    if (v.kind == 'r') {
      auto re = util::Regex::compile(v.text, "regexp");
      if (!re) throw QueryError{v.off, re.error().message};
      n->re = std::make_unique<util::Regex>(std::move(*re));
    } else {
      n->literal = v.text;
    }
    return n;
  }

  static constexpr int kMaxDepth = 100;
  Tokenizer toks_;
  int depth_ = 0;
};

std::vector<ProjectionField> parse_fields(std::string_view q) {
  Tokenizer toks(q);
  std::vector<ProjectionField> fields;
  for (;;) {
    Token t = toks.peek();
    if (t.kind == 0) break;
    if (t.kind == ',' && !fields.empty()) {
      toks.next();
      t = toks.peek();
    }
    t = toks.next();
    if (t.kind != 'w' && t.kind != 'q') throw QueryError{t.off, "expected key"};
    if (t.text.empty()) throw QueryError{t.off, "key must not be empty"};
    ProjectionField f;
    f.key = t.text;
    if (f.key == ".unit") throw QueryError{t.off, ".unit is only allowed in filters"};
    if (toks.peek().kind == '@') {
      toks.next();
      Token order = toks.next();
      if (order.kind == 'w' || order.kind == 'q') {
        if (order.text == "alpha") {
          f.order = ProjectionField::Order::alpha;
        } else if (order.text == "num") {
          f.order = ProjectionField::Order::num;
        } else if (order.text != "first") {
          throw QueryError{order.off, fmt::format("unknown order \"{}\"", order.text)};
        }
      } else if (order.kind == '(') {
        if (f.key == ".config") throw QueryError{order.off, "fixed order not allowed for .config"};
        f.order = ProjectionField::Order::fixed;
        for (;;) {
          Token w = toks.next();
          if (w.kind == 'w' || w.kind == 'q') {
            f.fixed.push_back(w.text);
          } else if (w.kind == ')') {
            if (f.fixed.empty()) throw QueryError{w.off, "nothing to match"};
            break;
          } else {
            throw QueryError{w.off, "missing )"};
          }
        }
      } else {
        throw QueryError{order.off, "expected named sort order or parenthesized list"};
      }
    }
    fields.push_back(std::move(f));
  }
  return fields;
}

}  // namespace

Result<std::vector<ProjectionField>> parse_projection(std::string_view query, const std::string& what) {
  try {
    return parse_fields(query);
  } catch (const QueryError& e) {
    return tl::unexpected(syntax_error(what, query, e));
  }
}

Filter::Filter() = default;
Filter::Filter(Filter&&) noexcept = default;
Filter& Filter::operator=(Filter&&) noexcept = default;
Filter::~Filter() = default;

Result<Filter> Filter::parse(std::string_view query, const std::string& what) {
  Filter f;
  try {
    f.root_ = FilterParser(query).parse();
  } catch (const QueryError& e) {
    return tl::unexpected(syntax_error(what, query, e));
  }
  return f;
}

bool Filter::keeps(const BenchResult& r, const ConfigLookup& config, std::size_t value) const {
  return !root_ || root_->keeps(r, config, value);
}

bool Filter::matches_all() const {
  return !root_ || (root_->kind == Node::Kind::all_of && root_->subs.empty());
}

std::vector<std::string_view> name_parts(std::string_view fullname) {
  auto [buf, gomaxprocs] = split_gomaxprocs(fullname);
  std::vector<std::string_view> parts;
  std::size_t prev = 0;
  for (std::size_t i = 0; i < buf.size(); ++i) {
    if (buf[i] == '/') {
      parts.push_back(buf.substr(prev, i - prev));
      prev = i;
    }
  }
  parts.push_back(buf.substr(prev));
  if (!gomaxprocs.empty()) parts.push_back(gomaxprocs);
  return parts;
}

std::string_view base_name(std::string_view fullname) {
  const auto slash = fullname.find('/');
  if (slash != std::string_view::npos) return fullname.substr(0, slash);
  return split_gomaxprocs(fullname).first;
}

std::string name_key_value(std::string_view fullname, std::string_view key) {
  const auto parts = name_parts(fullname);
  if (key == "/gomaxprocs" && parts.size() > 1 && parts.back()[0] == '-') return std::string(parts.back().substr(1));
  const std::string prefix = std::string(key) + "=";
  for (std::size_t i = 1; i < parts.size(); ++i) {
    if (parts[i].substr(0, prefix.size()) == prefix) return std::string(parts[i].substr(prefix.size()));
  }
  return "";
}

std::string fullname_without(std::string_view fullname, const std::vector<std::string>& keys) {
  std::vector<std::string> drop;
  bool no_base = false, no_gomaxprocs = false;
  for (const auto& k : keys) {
    no_base = no_base || k == ".name";
    if (k.empty() || k[0] != '/') continue;
    drop.push_back(k + "=");
    no_gomaxprocs = no_gomaxprocs || k == "/gomaxprocs";
  }
  if (drop.empty() && !no_base) return std::string(fullname);
  const auto parts = name_parts(fullname);
  std::string out = no_base ? "*" : std::string(parts[0]);
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const auto part = parts[i];
    const bool dropped = std::any_of(drop.begin(), drop.end(), [&](const std::string& d) {
      return part.substr(0, d.size()) == d;
    });
    if (dropped || (no_gomaxprocs && part[0] == '-')) continue;
    out += part;
  }
  return out;
}

bool parse_num(std::string_view s, double& out) {
  if (!s.empty()) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc() && p == s.data() + s.size()) return true;
  }
  // The first run of digits and dots, with an optional prefix.
  std::size_t i = 0;
  while (i < s.size() && !((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
  if (i == s.size()) return false;
  std::size_t j = i;
  while (j < s.size() && ((s[j] >= '0' && s[j] <= '9') || s[j] == '.')) ++j;
  double v = 0;
  auto [p, ec] = std::from_chars(s.data() + i, s.data() + j, v);
  if (ec != std::errc() || p != s.data() + j) return false;
  static constexpr std::string_view prefixes = "KMGTPEZY";
  int exp = 0;
  bool iec = false;
  if (j < s.size()) {
    const auto at = s[j] == 'k' ? 0 : prefixes.find(s[j]);
    if (at != std::string_view::npos) {
      exp = static_cast<int>(at) + 1;
      iec = j + 1 < s.size() && s[j + 1] == 'i';
    }
  }
  out = v * std::pow(iec ? 1024.0 : 1000.0, exp);
  return true;
}

bool Projections::is_default() const {
  auto single = [](const std::vector<ProjectionField>& f, const char* key) {
    return f.size() == 1 && f[0].key == key && f[0].order == ProjectionField::Order::first;
  };
  return single(table, ".config") && single(row, ".fullname") && single(col, ".file") && ignore.empty() &&
         (!filter || filter->matches_all());
}

Result<Projections> parse_projections(const std::string& table, const std::string& row, const std::string& col,
                                      const std::string& ignore, const std::string& filter) {
  Projections p;
  auto t = parse_projection(table, "--table");
  if (!t) return tl::unexpected(t.error());
  auto r = parse_projection(row, "--row");
  if (!r) return tl::unexpected(r.error());
  auto c = parse_projection(col, "--col");
  if (!c) return tl::unexpected(c.error());
  auto i = parse_projection(ignore, "--ignore");
  if (!i) return tl::unexpected(i.error());
  auto f = Filter::parse(filter, "--filter");
  if (!f) return tl::unexpected(f.error());
  p.table = std::move(*t);
  p.row = std::move(*r);
  p.col = std::move(*c);
  p.ignore = std::move(*i);
  p.filter = std::make_shared<const Filter>(std::move(*f));
  return p;
}

}  // namespace ncprof::bench
