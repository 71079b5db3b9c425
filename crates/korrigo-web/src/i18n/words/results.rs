//! The Results tab of an exam (managers): release, exports, each copy's grade and PDF.

/// (key, French, English).
pub(super) const WORDS: &[(&str, &str, &str)] = &[
    (
        "results.ready_word",
        "copies prêtes (notées et identifiées)",
        "copies ready (graded and identified)",
    ),
    (
        "results.release",
        "Publication aux élèves",
        "Release to the students",
    ),
    (
        "results.release_hint",
        "Une fois publiés, chaque élève voit dans son espace sa note, le détail par question, l\u{2019}appréciation et sa copie annotée.",
        "Once released, each student sees their grade, the detail by question, the appreciation and their marked copy in their space.",
    ),
    (
        "results.release_all",
        "Publier les résultats",
        "Release the results",
    ),
    (
        "results.release_confirm",
        "Publier les résultats\u{a0}? Chaque élève verra sa copie corrigée.",
        "Release the results? Each student will see their marked copy.",
    ),
    (
        "results.release_ready",
        "Publier seulement les copies prêtes",
        "Release the ready copies only",
    ),
    (
        "results.release_ready_confirm",
        "Publier seulement les copies notées et identifiées\u{a0}? Les autres resteront cachées jusqu\u{2019}à la prochaine publication.",
        "Release only the graded and identified copies? The others stay hidden until the next release.",
    ),
    (
        "results.not_ready_count",
        "copie(s) ne sont pas encore prêtes (voir le tableau ci-dessous)\u{a0}: terminez-les, ou publiez seulement les copies prêtes.",
        "copy(ies) are not ready yet (see the table below): finish them, or release the ready copies only.",
    ),
    (
        "results.released_on",
        "Résultats publiés le",
        "Results released on",
    ),
    (
        "results.released_copies",
        "copie(s) publiée(s)",
        "copy(ies) released",
    ),
    (
        "results.release_new",
        "Publier aussi les copies prêtes depuis",
        "Also release the copies ready since",
    ),
    (
        "results.withdraw",
        "Retirer la publication",
        "Withdraw the results",
    ),
    (
        "results.withdraw_confirm",
        "Retirer les résultats\u{a0}? Les élèves ne verront plus leurs copies.",
        "Withdraw the results? Students will no longer see their copies.",
    ),
    ("results.exports", "Exports", "Exports"),
    (
        "results.pdfs",
        "Copies annotées (PDF)",
        "Marked copies (PDF)",
    ),
    (
        "results.pdfs_making",
        "Préparation des PDF\u{a0}:",
        "Making the PDFs:",
    ),
    (
        "results.pdfs_zip",
        "Télécharger toutes les copies annotées (ZIP)",
        "Download every marked copy (ZIP)",
    ),
    (
        "results.pdfs_none",
        "Les PDF annotés sont préparés dès qu\u{2019}une copie est notée.",
        "The marked PDFs are made as soon as a copy is graded.",
    ),
    (
        "results.pdfs_failed",
        "PDF n\u{2019}ont pas pu être préparés (voir le tableau, «\u{a0}Réessayer\u{a0}»).",
        "PDF(s) could not be made (see the table, “Retry”).",
    ),
    (
        "results.export_pronote",
        "Fichier Pronote (CSV)",
        "Pronote file (CSV)",
    ),
    (
        "results.export_xlsx",
        "Tableau des notes (Excel)",
        "Gradebook (Excel)",
    ),
    (
        "results.export_csv",
        "Tableau des notes (CSV)",
        "Gradebook (CSV)",
    ),
    (
        "results.export_blocked",
        "copie(s) notée(s) ne sont pas identifiées\u{a0}: les exports attendent leur identification.",
        "graded copy(ies) are not identified: exports wait for their identification.",
    ),
    ("results.stats", "Statistiques", "Statistics"),
    (
        "results.stats_none",
        "Les statistiques apparaissent dès la première copie notée.",
        "Statistics show from the first graded copy.",
    ),
    ("results.stats_count", "Copies notées", "Graded copies"),
    ("results.stats_mean", "Moyenne", "Mean"),
    ("results.stats_median", "Médiane", "Median"),
    ("results.stats_sd", "Écart type", "Standard deviation"),
    ("results.stats_min", "Minimum", "Minimum"),
    ("results.stats_max", "Maximum", "Maximum"),
    ("results.stats_success", "Réussite", "Success rate"),
    ("results.stats_questions", "Par question", "By question"),
    ("results.stats_correctors", "Par correcteur", "By corrector"),
    (
        "results.stats_histogram",
        "Répartition des notes sur",
        "Distribution of the grades out of",
    ),
    ("results.copies", "Copies", "Copies"),
    (
        "results.no_copies",
        "Aucune copie pour l\u{2019}instant.",
        "No copy yet.",
    ),
    ("results.code", "Copie", "Copy"),
    ("results.student", "Élève", "Student"),
    ("results.pdf", "PDF annoté", "Marked PDF"),
    ("results.released_col", "Publiée", "Released"),
    ("results.unidentified", "non identifiée", "unidentified"),
    ("results.not_graded", "non notée", "not graded"),
    (
        "results.not_released",
        "pas encore publiée",
        "not released yet",
    ),
    ("results.pdf_ready", "Télécharger", "Download"),
    ("results.pdf_generating", "en préparation…", "being made…"),
    ("results.pdf_failed", "échec", "failed"),
    ("results.pdf_retry", "Réessayer", "Retry"),
    ("results.yes", "oui", "yes"),
];
