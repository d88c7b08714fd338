// The rules engine's SQL parser (Superpower combinators over SqlTokenizer's tokens): SELECT items with aliases, JSON
// paths and built-in functions; FROM a "topic" with + and #; WHERE with comparisons, arithmetic, AND/OR/NOT, IS [NOT]
// NULL, [NOT] IN and [NOT] LIKE. Precedence, loosest first: OR, AND, NOT, comparison, + -, * / %, unary -.
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Superpower;
using Superpower.Model;
using Superpower.Parsers;

namespace Thingyard.Rules.Sql;

public static class RuleSql
{
    static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
        { "select", "from", "where", "as", "and", "or", "not", "is", "null", "true", "false", "in", "like" };

    static TokenListParser<SqlToken, T?> Optional<T>(TokenListParser<SqlToken, T> parser) where T : class =>
        parser.Select(x => (T?)x).OptionalOrDefault();

    static TokenListParser<SqlToken, Token<SqlToken>> Keyword(string word) => Token.EqualToValueIgnoreCase(SqlToken.Identifier, word);

    static readonly TokenListParser<SqlToken, Token<SqlToken>> Name =
        Token.EqualTo(SqlToken.Identifier).Where(t => !Reserved.Contains(t.ToStringValue()), "a name");

    static readonly TokenListParser<SqlToken, SqlExpr> Number =
        Token.EqualTo(SqlToken.Number).Select(t => (SqlExpr)new SqlLiteral(double.Parse(t.ToStringValue(), NumberStyles.Float, CultureInfo.InvariantCulture)));

    static readonly TokenListParser<SqlToken, string> StringText = Token.EqualTo(SqlToken.String).Select(t => Unquote(t.ToStringValue()));

    static readonly TokenListParser<SqlToken, SqlExpr> Constant =
        StringText.Select(s => (SqlExpr)new SqlLiteral(s))
            .Or(Keyword("true").Value((SqlExpr)new SqlLiteral(true)))
            .Or(Keyword("false").Value((SqlExpr)new SqlLiteral(false)))
            .Or(Keyword("null").Value((SqlExpr)new SqlLiteral(null)));

    /// <summary>.name (any identifier, keywords too) or [index].</summary>
    static readonly TokenListParser<SqlToken, object> Level =
        Token.EqualTo(SqlToken.Dot).IgnoreThen(Token.EqualTo(SqlToken.Identifier)).Select(t => (object)t.ToStringValue())
            .Or(Token.EqualTo(SqlToken.LBracket).IgnoreThen(Token.EqualTo(SqlToken.Number))
                .Then(n => Token.EqualTo(SqlToken.RBracket).Value((object)int.Parse(n.ToStringValue(), CultureInfo.InvariantCulture))));

    static readonly TokenListParser<SqlToken, SqlExpr[]> Args =
        Token.EqualTo(SqlToken.LParen)
            .IgnoreThen(Superpower.Parse.Ref(() => Expr!).ManyDelimitedBy(Token.EqualTo(SqlToken.Comma)))
            .Then(a => Token.EqualTo(SqlToken.RParen).Value(a));

    static readonly TokenListParser<SqlToken, SqlExpr> CallOrPath =
        from name in Name
        from expr in Args.Select(a => (SqlExpr)new SqlCall(name.ToStringValue(), a, name.Position.Absolute))
            .Or(Level.Many().Select(levels => (SqlExpr)new SqlPath([name.ToStringValue(), .. levels])))
        select expr;

    static readonly TokenListParser<SqlToken, SqlExpr> Primary =
        Number.Or(Constant)
            .Or(Token.EqualTo(SqlToken.LParen).IgnoreThen(Superpower.Parse.Ref(() => Expr!)).Then(e => Token.EqualTo(SqlToken.RParen).Value(e)))
            .Or(CallOrPath);

    static readonly TokenListParser<SqlToken, SqlExpr> Unary =
        Token.EqualTo(SqlToken.Minus).IgnoreThen(Superpower.Parse.Ref(() => Unary!)).Select(e => (SqlExpr)new SqlNegate(e)).Or(Primary);

    static TokenListParser<SqlToken, SqlOp> Op(SqlToken token, SqlOp op) => Token.EqualTo(token).Value(op);

    static readonly TokenListParser<SqlToken, SqlExpr> Multiplicative = Superpower.Parse.Chain(
        Op(SqlToken.Star, SqlOp.Multiply).Or(Op(SqlToken.Slash, SqlOp.Divide)).Or(Op(SqlToken.Percent, SqlOp.Modulo)),
        Unary, (op, l, r) => new SqlBinary(op, l, r));

    static readonly TokenListParser<SqlToken, SqlExpr> Additive = Superpower.Parse.Chain(
        Op(SqlToken.Plus, SqlOp.Add).Or(Op(SqlToken.Minus, SqlOp.Subtract)), Multiplicative, (op, l, r) => new SqlBinary(op, l, r));

    static readonly TokenListParser<SqlToken, SqlOp> Comparator =
        Op(SqlToken.Equal, SqlOp.Eq).Or(Op(SqlToken.NotEqual, SqlOp.NotEq)).Or(Op(SqlToken.LessOrEqual, SqlOp.LessOrEq))
            .Or(Op(SqlToken.Less, SqlOp.Less)).Or(Op(SqlToken.GreaterOrEqual, SqlOp.GreaterOrEq)).Or(Op(SqlToken.Greater, SqlOp.Greater));

    /// <summary>What may follow a comparison's left side, as a function of that side.</summary>
    static readonly TokenListParser<SqlToken, Func<SqlExpr, SqlExpr>> ComparisonTail =
        Comparator.Then(op => Additive.Select(r => (Func<SqlExpr, SqlExpr>)(l => new SqlBinary(op, l, r))))
            .Or(Keyword("is").IgnoreThen(Keyword("not").Value(true).OptionalOrDefault(false))
                .Then(not => Keyword("null").Value((Func<SqlExpr, SqlExpr>)(l => new SqlIsNull(l, not)))))
            .Or(Keyword("not").Value(true).OptionalOrDefault(false).Then(not =>
                Keyword("in").IgnoreThen(Args).Select(items => (Func<SqlExpr, SqlExpr>)(l => new SqlIn(l, items, not)))
                    .Or(Keyword("like").IgnoreThen(StringText).Select(p => (Func<SqlExpr, SqlExpr>)(l => new SqlLike(l, Like(p), not))))));

    static readonly TokenListParser<SqlToken, SqlExpr> Comparison =
        from left in Additive
        from tail in Optional(ComparisonTail)
        select tail is null ? left : tail(left);

    static readonly TokenListParser<SqlToken, SqlExpr> Negation =
        Keyword("not").IgnoreThen(Superpower.Parse.Ref(() => Negation!)).Select(e => (SqlExpr)new SqlNot(e)).Or(Comparison);

    static readonly TokenListParser<SqlToken, SqlExpr> Conjunction = Superpower.Parse.Chain(Keyword("and").Value(SqlOp.And), Negation, (op, l, r) => new SqlBinary(op, l, r));

    static readonly TokenListParser<SqlToken, SqlExpr> Expr = Superpower.Parse.Chain(Keyword("or").Value(SqlOp.Or), Conjunction, (op, l, r) => new SqlBinary(op, l, r));

    static readonly TokenListParser<SqlToken, string> Alias =
        Keyword("as").IgnoreThen(Token.EqualTo(SqlToken.Identifier).Or(Token.EqualTo(SqlToken.Quoted))).Or(Name)
            .Select(t => t.Kind == SqlToken.Quoted ? t.ToStringValue()[1..^1] : t.ToStringValue());

    static readonly TokenListParser<SqlToken, SqlSelectItem> SelectItem =
        Token.EqualTo(SqlToken.Star).Value(new SqlSelectItem(null, null))
            .Or(from e in Expr
                from alias in Optional(Alias)
                select new SqlSelectItem(e, alias));

    static readonly TokenListParser<SqlToken, SqlStatement> Statement =
        from items in Keyword("select").IgnoreThen(SelectItem.AtLeastOnceDelimitedBy(Token.EqualTo(SqlToken.Comma)))
        from topic in Keyword("from").IgnoreThen(Token.EqualTo(SqlToken.Quoted))
        from condition in Optional(Keyword("where").IgnoreThen(Expr))
        select new SqlStatement(items, topic.ToStringValue()[1..^1], condition);

    static readonly TokenListParser<SqlToken, SqlStatement> Whole = Statement.AtEnd();

    /// <summary>Parses a whole statement; throws <see cref="RuleSqlException"/> with the position of the first problem.</summary>
    public static SqlStatement Parse(string sql)
    {
        var tokens = SqlTokenizer.Instance.TryTokenize(sql);
        if (!tokens.HasValue) throw At(sql, tokens.ErrorPosition, tokens.FormatErrorMessageFragment());
        var parsed = Whole.TryParse(tokens.Value);
        if (!parsed.HasValue) throw At(sql, parsed.ErrorPosition, parsed.FormatErrorMessageFragment());
        var statement = parsed.Value;
        foreach (var item in statement.Select) if (item.Expr is { } e) Check(sql, e);
        if (statement.Where is { } w) Check(sql, w);
        return statement;
    }

    /// <summary>Every function named exists and takes that many arguments.</summary>
    static void Check(string sql, SqlExpr e)
    {
        switch (e)
        {
            case SqlCall c:
                if (SqlFunctions.CheckArity(c.Name, c.Args.Count) is { } problem) throw At(sql, Position(sql, c.Offset), problem);
                foreach (var a in c.Args) Check(sql, a);
                break;
            case SqlBinary b: Check(sql, b.Left); Check(sql, b.Right); break;
            case SqlNot n: Check(sql, n.Operand); break;
            case SqlNegate n: Check(sql, n.Operand); break;
            case SqlIsNull n: Check(sql, n.Operand); break;
            case SqlIn i: Check(sql, i.Operand); foreach (var x in i.Items) Check(sql, x); break;
            case SqlLike l: Check(sql, l.Operand); break;
        }
    }

    static Position Position(string text, int offset)
    {
        int line = 1, column = 1;
        for (var i = 0; i < offset && i < text.Length; i++)
        {
            if (text[i] == '\n') { line++; column = 1; }
            else column++;
        }
        return new Position(offset, line, column);
    }

    static RuleSqlException At(string sql, Position p, string problem)
    {
        if (!p.HasValue) p = Position(sql, sql.Length); // the end of the statement
        return new RuleSqlException(problem, p.Absolute, p.Line, p.Column);
    }

    static string Unquote(string quoted) => quoted[1..^1].Replace("''", "'");

    static Regex Like(string pattern)
    {
        var regex = new StringBuilder("^");
        foreach (var c in pattern)
            regex.Append(c switch { '%' => ".*", '_' => ".", _ => Regex.Escape(c.ToString()) });
        return new Regex(regex.Append('$').ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant);
    }
}
