"""Telling words from numbers, and a form's print from its handwriting."""

import numpy as np
import pytest

from ocrkit.words import printed_ink, word_members


def row(heights, *, x=0, y=100, width=10, gap=2):
    """Boxes side by side on one baseline, ``gap`` pixels apart."""
    boxes = []
    for h in heights:
        boxes.append((x, y - h, width, h))
        x += width + gap
    return boxes


def test_a_word_of_mixed_letter_heights_is_a_word():
    # "Total": T, o, t, a, l -- capitals and ascenders beside short letters.
    assert word_members(row([30, 20, 27, 20, 30])).all()


def test_a_number_of_equal_heights_is_not_a_word():
    assert not word_members(row([30, 31, 29, 30, 30], gap=3)).any()


def test_one_short_digit_does_not_make_a_number_a_word():
    assert not word_members(row([30, 20, 30, 30, 30], gap=3)).any()


def test_spaced_letters_are_not_a_word():
    # Mixed heights, but as far apart as digits written one by one.
    assert not word_members(row([30, 20, 27, 20, 30], gap=12)).any()


def test_a_capital_a_little_further_away_joins_its_word():
    boxes = row([30], gap=0) + row([20, 27, 20, 30], x=10 + 7)
    assert word_members(boxes).all()


def test_print_in_the_words_ink_is_told_from_a_coloured_pen():
    printed = printed_ink([0.08, 0.62, 0.12, 0.70], words=[0.1, 0.09, 0.11])
    np.testing.assert_array_equal(printed, [True, False, True, False])


def test_a_page_all_in_one_ink_keeps_everything():
    assert not printed_ink([0.1, 0.12, 0.2], words=[0.1]).any()
    assert not printed_ink([0.6, 0.7], words=[0.65]).any()  # all blue: nothing printed
    assert not printed_ink([0.1, 0.7], words=[]).any()      # no words: no evidence


def test_a_number_with_a_broken_digit_is_not_a_word():
    # "46" with the 4 in three strokes: its two short ones lie one over the
    # other (a piece of the 4, not two short letters), its bar beside them.
    four = [(0, 20, 14, 16), (4, 0, 6, 18), (16, 4, 12, 48)]
    six = [(32, 2, 14, 48)]
    assert not word_members(four + six).any()
    # An i's dot is no stroke: "lit" is still a word.
    assert word_members([(0, 66, 4, 34), (8, 78, 4, 22), (9, 70, 3, 3), (16, 70, 5, 30)]).all()


def test_a_speck_of_grain_beside_a_number_is_no_short_letter():
    # "46" in a thin pen on grainy paper: the 4 a little shorter than the 6,
    # and a speck floating between them at mid-height.
    four, six, speck = (0, 16, 14, 34), (18, 2, 14, 48), (15, 20, 3, 3)
    assert not word_members([four, speck, six]).any()
    # A full stop stands on the line, as the letters do: "No." stays a word.
    assert word_members([(0, 0, 20, 30), (24, 10, 16, 20), (44, 26, 4, 4)]).all()


def test_a_digit_broken_at_two_heights_is_no_short_letter():
    # "5521" on grainy paper: the second 5's flag lies apart, higher than
    # its body, which alone is close enough to the first 5 to join its row;
    # the body is a piece of the 5 all the same (boxes of a photo on fabric).
    five, flag, body = (227, 136, 14, 27), (249, 138, 15, 14), (246, 150, 15, 16)
    two, one, speck = (270, 138, 17, 28), (294, 134, 8, 30), (224, 160, 3, 3)
    assert not word_members([five, flag, body, two, one, speck]).any()


def test_a_1_with_its_top_broken_off_is_no_i():
    # "551": the 1's flag broke off its stem, a pixel above it; an i's dot
    # stands clear of its stem ("lit" above stays a word).
    fives = [(211, 143, 16, 31), (233, 144, 20, 34), (258, 140, 19, 32)]
    top, stem = (280, 145, 6, 7), (281, 153, 4, 21)
    assert not word_members(fives + [top, stem]).any()


@pytest.mark.parametrize("seed", [4, 13, 45])
def test_a_number_with_broken_strokes_on_grainy_paper_is_read(seed):
    # Photos of a sheet on fabric whose "5521" was set aside as a word: a
    # 5's flag apart from its body, its body short beside its neighbours.
    from ocrkit.pipeline import read_page
    from ocrkit.synth import hard_cases

    (case,) = hard_cases(seed=seed, names=["paper_on_fabric"])
    assert read_page(case.image).lines == case.truth["lines"]


def test_a_digit_broken_into_strokes_side_by_side_is_one_tall_character():
    # "37" in a thin pen on grainy paper, as segmented: the 7 broken into
    # the end of its bar, a crumb of it, and its stem, none over another.
    three = (284, 211, 36, 53)
    seven = [(341, 218, 14, 13), (330, 220, 10, 5), (327, 232, 20, 35)]
    boxes = [three, *seven]
    assert word_members(boxes).all()  # judged piece by piece: short letters
    assert not word_members(boxes, characters=[[0], [1, 2, 3]]).any()


def test_an_i_joined_to_its_dot_is_still_a_short_letter():
    # "tie": t, i (stem and dot, joined as one character), e.
    boxes = [(0, 52, 10, 48), (12, 66, 6, 34), (12, 54, 6, 6), (20, 66, 14, 34)]
    assert word_members(boxes, characters=[[0], [1, 2], [3]]).all()
