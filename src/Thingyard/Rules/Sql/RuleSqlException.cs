// A rule's SQL that does not parse or names what does not exist, with where: the line and column in the statement
// (1-based) and the offset a caller maps back to the Select or Where parameter.
namespace Thingyard.Rules.Sql;

public sealed class RuleSqlException(string problem, int offset, int line, int column) : Exception($"line {line}, column {column}: {problem}")
{
    public string Problem { get; } = problem;
    /// <summary>0-based offset into the statement.</summary>
    public int Offset { get; } = offset;
    public int Line { get; } = line;
    public int Column { get; } = column;
}
