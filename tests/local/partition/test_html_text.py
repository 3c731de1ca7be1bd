"""The HTML scanner's visible text: what a browser shows, scripts and chrome left out, anything unterminated dropped."""

from __future__ import annotations

from unstructured_nb.local.partition.html_text import visible_text


def words(markup: str) -> list[str]:
    return visible_text(markup).split()


def test_tags_go_and_text_and_entities_stay() -> None:
    assert words("<p class='x'>Fish &amp; chips</p><P>cost &pound;3 &lt;b&gt;</P>") == ["Fish", "&", "chips", "cost", "£3", "<b>"]


def test_blocks_become_paragraphs_and_inline_tags_do_not() -> None:
    text = visible_text("<div>one <b>bold</b> word</div><p>two</p>three<br>four")
    assert [p.split() for p in text.split("\n\n") if p.strip()] == [["one", "bold", "word"], ["two"], ["three"], ["four"]]


def test_scripts_styles_comments_and_chrome_are_left_out() -> None:
    markup = (
        "<!DOCTYPE html><html><head><title>T</title><style>p{}</style></head>"
        "<body><script>var s = '<p>not text</p>';</script><!-- a <p>comment</p> -->"
        "<nav><ul><li>menu</li></ul></nav><p>kept</p><footer><p>foot</p></footer>"
        "<noscript><p>no js</p></noscript><?php echo 1 ?><textarea><p>typed</p></textarea>end</body></html>"
    )
    assert words(markup) == ["kept", "end"]


def test_a_gt_inside_a_quoted_attribute_does_not_end_the_tag() -> None:
    assert words("""<a title="a > b" href='x>y'>link</a> <img alt=">">after""") == ["link", "after"]


def test_a_lt_that_starts_no_markup_is_text() -> None:
    assert words("1 < 2 and 3 <= 4, <3 and < p") == ["1", "<", "2", "and", "3", "<=", "4,", "<3", "and", "<", "p"]


def test_script_ends_only_at_its_own_end_tag() -> None:
    assert words("<script>a</scriptx>b</script >c<SCRIPT>d</ScRiPt>e") == ["c", "e"]


def test_nested_left_out_containers_close_in_order() -> None:
    assert words("<nav>a<nav>b</nav>c</nav>d<footer>e<nav>f</footer>g") == ["d", "g"]


def test_an_unclosed_head_ends_at_the_body() -> None:
    assert words("<html><head><meta charset=utf-8><body><p>shown</p>") == ["shown"]


def test_what_is_left_unterminated_runs_to_the_end_and_is_dropped() -> None:
    assert words("<p>before</p><script>never closed <p>x</p>") == ["before"]
    assert words("<p>before</p><!-- never closed <p>x</p>") == ["before"]
    assert words('<p>before</p><a href="never closed>x</a>') == ["before"]
    assert words("<p>before</p><p class=x") == ["before"]


def test_plaintext_makes_the_rest_text() -> None:
    assert words("a<plaintext><p>b</p>") == ["a", "<p>b</p>"]


def test_comments_even_empty_or_odd_ones_vanish_without_splitting_words() -> None:
    assert words("a<!-->b<!--->c<!---->d e") == ["abcd", "e"]
    assert words("a</>b</3 x>c") == ["abc"]
