// The tokens of the rules engine's SQL, and the Superpower tokenizer that produces them. Keywords are identifiers
// matched without case by the parser, so a field may still be called "value" or "from" where that is unambiguous.
using Superpower;
using Superpower.Display;
using Superpower.Parsers;
using Superpower.Tokenizers;

namespace Thingyard.Rules.Sql;

public enum SqlToken
{
    [Token(Description = "a name")] Identifier,
    [Token(Description = "a number")] Number,
    [Token(Description = "a 'string'")] String,
    [Token(Description = "a \"quoted\" topic")] Quoted,
    [Token(Example = ",")] Comma,
    [Token(Example = ".")] Dot,
    [Token(Example = "(")] LParen,
    [Token(Example = ")")] RParen,
    [Token(Example = "[")] LBracket,
    [Token(Example = "]")] RBracket,
    [Token(Example = "*")] Star,
    [Token(Example = "+")] Plus,
    [Token(Example = "-")] Minus,
    [Token(Example = "/")] Slash,
    [Token(Example = "%")] Percent,
    [Token(Example = "=")] Equal,
    [Token(Example = "!=")] NotEqual,
    [Token(Example = "<")] Less,
    [Token(Example = "<=")] LessOrEqual,
    [Token(Example = ">")] Greater,
    [Token(Example = ">=")] GreaterOrEqual,
}

public static class SqlTokenizer
{
    static readonly TextParser<Superpower.Model.TextSpan> Name =
        Span.MatchedBy(Character.Matching(c => char.IsLetter(c) || c == '_' || c == '$', "a letter")
            .IgnoreThen(Character.Matching(c => char.IsLetterOrDigit(c) || c == '_' || c == '$', "a letter or digit").Many()));

    /// <summary>'text' with '' for a quote inside.</summary>
    static readonly TextParser<Superpower.Model.TextSpan> SingleQuoted =
        Span.MatchedBy(Character.EqualTo('\'').IgnoreThen(Span.EqualTo("''").Try().Or(Span.MatchedBy(Character.Except('\''))).Many()).IgnoreThen(Character.EqualTo('\'')));

    static readonly TextParser<Superpower.Model.TextSpan> DoubleQuoted =
        Span.MatchedBy(Character.EqualTo('"').IgnoreThen(Character.Except('"').Many()).IgnoreThen(Character.EqualTo('"')));

    static readonly TextParser<Superpower.Model.TextSpan> NumberText =
        Span.MatchedBy(Numerics.Natural.IgnoreThen(Character.EqualTo('.').IgnoreThen(Numerics.Natural).OptionalOrDefault())
            .IgnoreThen(Character.In('e', 'E').IgnoreThen(Character.In('+', '-').OptionalOrDefault()).IgnoreThen(Numerics.Natural).Try().OptionalOrDefault()));

    public static readonly Tokenizer<SqlToken> Instance = new TokenizerBuilder<SqlToken>()
        .Ignore(Span.WhiteSpace)
        .Match(Span.EqualTo("!="), SqlToken.NotEqual)
        .Match(Span.EqualTo("<>"), SqlToken.NotEqual)
        .Match(Span.EqualTo("<="), SqlToken.LessOrEqual)
        .Match(Span.EqualTo(">="), SqlToken.GreaterOrEqual)
        .Match(Character.EqualTo('<'), SqlToken.Less)
        .Match(Character.EqualTo('>'), SqlToken.Greater)
        .Match(Character.EqualTo('='), SqlToken.Equal)
        .Match(Character.EqualTo(','), SqlToken.Comma)
        .Match(Character.EqualTo('.'), SqlToken.Dot)
        .Match(Character.EqualTo('('), SqlToken.LParen)
        .Match(Character.EqualTo(')'), SqlToken.RParen)
        .Match(Character.EqualTo('['), SqlToken.LBracket)
        .Match(Character.EqualTo(']'), SqlToken.RBracket)
        .Match(Character.EqualTo('*'), SqlToken.Star)
        .Match(Character.EqualTo('+'), SqlToken.Plus)
        .Match(Character.EqualTo('-'), SqlToken.Minus)
        .Match(Character.EqualTo('/'), SqlToken.Slash)
        .Match(Character.EqualTo('%'), SqlToken.Percent)
        .Match(NumberText, SqlToken.Number, requireDelimiters: true)
        .Match(SingleQuoted, SqlToken.String)
        .Match(DoubleQuoted, SqlToken.Quoted)
        .Match(Name, SqlToken.Identifier, requireDelimiters: true)
        .Build();
}
