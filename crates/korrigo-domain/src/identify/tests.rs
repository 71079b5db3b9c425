//! The matcher's rules, on readings made by hand: similarities, dates, the assignment and
//! when it is safe.

use super::*;

#[test]
fn identification_methods_round_trip_through_their_stored_names() {
    for m in [
        IdMethod::Auto,
        IdMethod::Label,
        IdMethod::Manual,
        IdMethod::NotStudent,
    ] {
        assert_eq!(IdMethod::try_from(m.as_str().to_string()), Ok(m));
    }
    assert!(IdMethod::try_from("AUTO".to_string()).is_err());
    assert!(!IdMethod::Auto.by_a_person() && IdMethod::NotStudent.by_a_person());
    assert!(!IdMethod::Label.by_a_person() && IdMethod::Manual.by_a_person());
}

fn p(id: i64, last: &str, first: &str, date: &str) -> Person {
    Person {
        id,
        last_name: last.into(),
        first_name: first.into(),
        birth_date: date.into(),
        number: None,
    }
}

fn r(last: &str, first: &str, date: Option<&str>) -> Reading {
    Reading {
        last_name: last.into(),
        first_name: first.into(),
        birth_date: date.map(Into::into),
        date_digits: date.unwrap_or_default().replace('/', ""),
        ..Reading::default()
    }
}

#[test]
fn keys_ignore_case_accents_separators_and_ocr_digits() {
    assert_eq!(key("Ben-Salah"), "BENSALAH");
    assert_eq!(key("ben salah"), "BENSALAH");
    assert_eq!(key("N'DIAYE"), "NDIAYE");
    assert_eq!(key("Hébert"), "HEBERT");
    assert_eq!(key("R0B1N"), "ROBIN");
}

#[test]
fn ocr_slips_still_find_the_right_student() {
    let roster = [
        p(1, "BERNARD", "Anna", "02/02/2010"),
        p(2, "BERTRAND", "Louis", "17/05/2009"),
        p(3, "DUBOIS", "Adam", "03/03/2009"),
    ];
    let c = candidates(&r("BERLARD", "ANA", None), &roster, 3);
    assert_eq!(c[0].student, 1);
    assert!(c[0].score > c[1].score + 0.1, "{c:?}");
    // A dropped letter and a missing accent.
    assert_eq!(
        candidates(&r("DUBOS", "ADAM", None), &roster, 1)[0].student,
        3
    );
}

#[test]
fn the_assignment_gives_each_student_one_copy() {
    let roster = [
        p(1, "MARTIN", "Emma", "01/01/2009"),
        p(2, "MARTINEZ", "Zoé", "01/05/2009"),
    ];
    // Both copies look most like MARTIN; the global assignment gives the second to
    // MARTINEZ, and neither is safe enough to be automatic.
    let readings = [r("MARTIN", "EMMA", None), r("MARTIN", "", None)];
    let d = assign(&readings, &roster, &[false, false], Thresholds::default());
    assert_eq!(d[0].student, Some(1));
    assert_eq!(d[1].student, Some(2));
    assert!(d[0].auto);
    assert!(!d[1].auto);
}

#[test]
fn close_names_are_certain_when_each_reads_well_never_by_elimination() {
    let roster = [
        p(1, "MARTIN", "Léa", "01/01/2009"),
        p(2, "MARTIN", "Léna", "05/07/2009"),
        p(3, "DUBOIS", "Adam", "03/03/2009"),
    ];
    // Two sisters, each read well: the other sister clearly belongs to the other copy.
    let d = assign(
        &[r("MARTIN", "LEA", None), r("MARTIN", "LENA", None)],
        &roster,
        &[false; 3],
        Thresholds::default(),
    );
    assert_eq!((d[0].student, d[1].student), (Some(1), Some(2)));
    assert!(d[0].auto && d[1].auto, "{d:?}");
    // The second copy's first name unreadable or cut short: it would be Léna only because
    // Léa is taken by the first copy, which is no reason to identify it.
    for first in ["", "L", "LE"] {
        let d = assign(
            &[r("MARTIN", "LEA", None), r("MARTIN", first, None)],
            &roster,
            &[false; 3],
            Thresholds::default(),
        );
        assert_eq!(d[1].student, Some(2));
        assert!(!d[1].auto, "{first:?}: {d:?}");
    }
}

#[test]
fn homonyms_need_the_birth_date() {
    let roster = [
        p(1, "MARTIN", "Emma", "01/01/2009"),
        p(2, "MARTIN", "Emma", "05/07/2009"),
        p(3, "DUBOIS", "Adam", "03/03/2009"),
    ];
    let without = assign(
        &[r("MARTIN", "EMMA", None)],
        &roster,
        &[false; 3],
        Thresholds::default(),
    );
    assert!(!without[0].auto);
    let with = assign(
        &[r("MARTIN", "EMMA", Some("05/07/2009"))],
        &roster,
        &[false; 3],
        Thresholds::default(),
    );
    assert_eq!(with[0].student, Some(2));
    assert!(with[0].auto);
}

/// Date boxes read one by one: each digit likely, except one doubtful box.
fn boxes(date: &str, doubtful: usize) -> Vec<[f32; 10]> {
    date.bytes()
        .filter(u8::is_ascii_digit)
        .enumerate()
        .map(|(i, d)| {
            let d = (d - b'0') as usize;
            let mut p = [0.01; 10];
            if i == doubtful {
                p[d] = 0.4;
                p[(d + 3) % 10] = 0.5;
            } else {
                p[d] = 0.9;
            }
            p
        })
        .collect()
}

#[test]
fn homonyms_are_told_apart_by_date_boxes_despite_a_doubtful_digit() {
    let roster = [
        p(1, "MARTIN", "Emma", "01/01/2009"),
        p(2, "MARTIN", "Emma", "05/07/2010"),
        p(3, "DUBOIS", "Adam", "03/03/2009"),
    ];
    let read = |date_boxes: Vec<[f32; 10]>| Reading {
        date_boxes,
        ..r("MARTIN", "EMMA", None)
    };
    let d = assign(
        &[read(boxes("05/07/2010", 3))],
        &roster,
        &[false; 3],
        Thresholds::default(),
    );
    assert_eq!(d[0].student, Some(2));
    assert!(d[0].auto);
    // The date row left empty: no telling them apart.
    let d = assign(
        &[read(vec![[0.0; 10]; 8])],
        &roster,
        &[false; 3],
        Thresholds::default(),
    );
    assert!(!d[0].auto);
    // Every digit doubtful between the two dates: no automatic choice either.
    let mut mixed = boxes("05/07/2010", 9);
    for (i, b) in boxes("01/01/2009", 9).into_iter().enumerate() {
        for d in 0..10 {
            mixed[i][d] = (mixed[i][d] + b[d]) / 2.0;
        }
    }
    let d = assign(&[read(mixed)], &roster, &[false; 3], Thresholds::default());
    assert!(!d[0].auto, "{d:?}");
}

#[test]
fn students_already_identified_are_not_given_again() {
    let roster = [
        p(1, "MARTIN", "Emma", "01/01/2009"),
        p(2, "DUBOIS", "Adam", "03/03/2009"),
    ];
    let d = assign(
        &[r("MARTIN", "EMMA", None)],
        &roster,
        &[true, false],
        Thresholds::default(),
    );
    assert_ne!(d[0].student, Some(1));
    assert!(!d[0].auto);
}

/// A reading whose name rows are likelihoods (see `lattice::tests::written`), the strings
/// left empty so that only the likelihoods can decide.
fn seen(last: &str, first: &str, full: bool) -> Reading {
    Reading {
        last_name_lattice: Some(crate::lattice::tests::written(last, 0.9, full)),
        first_name_lattice: Some(crate::lattice::tests::written(first, 0.9, false)),
        ..Reading::default()
    }
}

fn auto(readings: &[Reading], roster: &[Person]) -> Vec<Option<i64>> {
    assign(
        readings,
        roster,
        &vec![false; roster.len()],
        Thresholds::default(),
    )
    .into_iter()
    .map(|d| d.auto.then_some(d.student).flatten())
    .collect()
}

#[test]
fn likelihoods_identify_names_written_with_skipped_boxes_and_separators() {
    let roster = [
        p(1, "BEN SALAH", "Yasmine", "01/01/2009"),
        p(2, "BENSALEM", "Yassine", "02/02/2009"),
        p(3, "SAINT-ANDRÉ", "Jean-Baptiste", "03/03/2009"),
        p(4, "SAINTANDRE", "Jean", "04/04/2009"),
    ];
    assert_eq!(
        auto(
            &[
                seen("BEN__SALAH", "YASMINE", false),
                seen("BENSALEM", "YASSINE", false),
                seen("SAINT_ANDRE", "JEAN-BAPTISTE", false),
            ],
            &roster
        ),
        [Some(1), Some(2), Some(3)]
    );
}

#[test]
fn likelihoods_tell_siblings_apart_and_leave_homonyms_to_the_date_or_number() {
    let mut roster = vec![
        p(1, "MARTIN", "Léa", "01/01/2009"),
        p(2, "MARTIN", "Léna", "05/07/2010"),
        p(3, "MARTIN", "Emma", "01/02/2009"),
        p(4, "MARTIN", "Emma", "09/10/2009"),
    ];
    let copies = [
        seen("MARTIN", "LEA", false),
        seen("MARTIN", "LENA", false),
        seen("MARTIN", "EMMA", false),
    ];
    let d = auto(&copies, &roster);
    assert_eq!(&d[..2], [Some(1), Some(2)]);
    // Two Emma Martin: the names alone decide nothing.
    assert_eq!(d[2], None);
    // The number row read, one digit wrong: the second Emma.
    roster[2].number = Some("0701234567A".into());
    roster[3].number = Some("0709876543B".into());
    let mut third = copies[2].clone();
    third.number = "0709876548".into();
    assert_eq!(auto(&[third.clone()], &roster), [Some(4)]);
    // A number read and different takes nothing from a name read well.
    roster[0].number = Some("0701111111C".into());
    let mut lea = copies[0].clone();
    lea.number = "0802222222".into();
    assert_eq!(
        auto(&[lea.clone(), copies[1].clone(), third], &roster),
        [Some(1), Some(2), Some(4)]
    );
    // The name says Léa, the number the second Emma: a person decides.
    lea.number = "0709876543".into();
    assert_eq!(auto(&[lea], &roster), [None]);
}

#[test]
fn a_name_cut_by_a_full_row_is_still_its_owners() {
    let roster = [
        p(1, "SCHWARZENEGGER", "Paul", "01/01/2009"),
        p(2, "SCHWARZ", "Pauline", "02/02/2009"),
        p(3, "DUBOIS", "Adam", "03/03/2009"),
    ];
    assert_eq!(
        auto(&[seen("SCHWARZENEGG", "PAUL", true)], &roster),
        [Some(1)]
    );
    // SCHWARZ written in a row with room left is not SCHWARZENEGGER.
    assert_eq!(
        auto(&[seen("SCHWARZ", "PAULINE", false)], &roster),
        [Some(2)]
    );
}

#[test]
fn a_student_missing_from_the_roster_is_given_to_nobody() {
    let roster = [
        p(1, "MARTIN", "Hugo", "01/01/2009"),
        p(2, "BERNARD", "Anna", "02/02/2009"),
        p(3, "DUBOIS", "Adam", "03/03/2009"),
    ];
    // Hugo MARTINEZ is not in this exam; Hugo MARTIN, whose name begins his, must not get
    // his copy; neither must anyone get a copy of a name nobody has.
    // Nor when a blurred row splits his name (MARTI NEZ, MARTIN EZ), or free text reads
    // one letter more than MARTIN: MARTIN and more is not MARTIN enough to need no birth
    // date.
    let free_text = |last: &str| Reading {
        last_name: last.into(),
        first_name: "HUGO".into(),
        ..Reading::default()
    };
    assert_eq!(auto(&[free_text("MARTINE")], &roster), [None]);
    assert_eq!(auto(&[free_text("MAR TI NE")], &roster), [None]);
    assert_eq!(auto(&[free_text("MARTIN")], &roster), [Some(1)]);
    for copy in [
        seen("MARTINEZ", "HUGO", false),
        seen("MARTI_NEZ", "HUGO", false),
        seen("MARTIN_EZ", "HUGO", false),
        seen("LEROY", "CHLOE", false),
    ] {
        assert_eq!(auto(&[copy], &roster), [None]);
    }
    // A doubtful letter in a name that is there is still safe.
    assert_eq!(auto(&[seen("BERNARD", "ANNA", false)], &roster), [Some(2)]);
    // Two letters off are two letters off in a long name too: the roster's
    // …MONTGOLFIERET is not the …MONTGOLFIER written, read as a string or with likelihoods.
    let long = [
        p(
            1,
            "FRANÇOIS-DELAFONTAINE-MONTGOLFIERET",
            "Hugo",
            "01/01/2009",
        ),
        p(2, "BERNARD", "Anna", "02/02/2009"),
    ];
    assert_eq!(
        auto(&[free_text("FRANCOIS-DELAFONTAINE-MONTGOLFIER")], &long),
        [None]
    );
    assert_eq!(
        auto(
            &[seen("FRANCOIS-DELAFONTAINE-MONTGOLFIER", "HUGO", false)],
            &long
        ),
        [None]
    );
    assert_eq!(
        auto(&[free_text("FRANCOIS-DELAFONTAINE-MONTGOLFIERET")], &long),
        [Some(1)]
    );
}

#[test]
fn a_name_read_with_a_clear_mistake_needs_the_birth_date() {
    let roster = [
        p(1, "LAMBERT", "Emma", "22/02/2010"),
        p(2, "DUBOIS", "Adam", "03/03/2009"),
    ];
    // LANBERT: one letter clearly different, as a misreading or another student's name.
    let misread = |date: &str| Reading {
        date_digits: date.into(),
        ..seen("LANBERT", "EMMA", false)
    };
    assert_eq!(auto(&[misread("")], &roster), [None]);
    assert_eq!(auto(&[misread("17051998")], &roster), [None]);
    // The birth date read (one digit doubtful) says it is her.
    assert_eq!(auto(&[misread("22020011")], &roster), [Some(1)]);
}
