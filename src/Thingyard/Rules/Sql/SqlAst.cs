// The parsed form of a rule's SQL (RuleSql.Parse): what SELECT makes of a message, FROM which topic, WHERE which
// condition holds. Expressions are evaluated by SqlEvaluator against one message.
using System.Text.RegularExpressions;

namespace Thingyard.Rules.Sql;

public abstract record SqlExpr;

/// <summary>A number, a 'string', true/false or null.</summary>
public sealed record SqlLiteral(object? Value) : SqlExpr;

/// <summary>A field of the message's JSON: a.b.c, a.b[0] (the levels, a string key or an int index).</summary>
public sealed record SqlPath(IReadOnlyList<object> Levels) : SqlExpr
{
    /// <summary>The output name when the SELECT gives no alias: the last named level.</summary>
    public string Name => Levels.OfType<string>().Last();
}


/// <summary>A built-in function (SqlFunctions) with its arguments, and where its name starts (for errors found after
/// parsing).</summary>
public sealed record SqlCall(string Name, IReadOnlyList<SqlExpr> Args, int Offset) : SqlExpr;

public enum SqlOp { Or, And, Eq, NotEq, Less, LessOrEq, Greater, GreaterOrEq, Add, Subtract, Multiply, Divide, Modulo }

public sealed record SqlBinary(SqlOp Op, SqlExpr Left, SqlExpr Right) : SqlExpr;

public sealed record SqlNot(SqlExpr Operand) : SqlExpr;

public sealed record SqlNegate(SqlExpr Operand) : SqlExpr;

/// <summary>x IS [NOT] NULL: a missing field is null.</summary>
public sealed record SqlIsNull(SqlExpr Operand, bool Negated) : SqlExpr;

/// <summary>x [NOT] IN (a, b, ...).</summary>
public sealed record SqlIn(SqlExpr Operand, IReadOnlyList<SqlExpr> Items, bool Negated) : SqlExpr;

/// <summary>x [NOT] LIKE 'pattern' (% any run, _ one character), compiled once.</summary>
public sealed record SqlLike(SqlExpr Operand, Regex Pattern, bool Negated) : SqlExpr;

/// <summary>One SELECT item: * (every field of the message) or an expression with its output name.</summary>
public sealed record SqlSelectItem(SqlExpr? Expr, string? Alias)
{
    public bool IsStar => Expr is null;
}

public sealed record SqlStatement(IReadOnlyList<SqlSelectItem> Select, string From, SqlExpr? Where);
