//! The interface's words in French (default) and English. Templates call `t.get("key")`; a
//! test checks that every key a template uses exists here.

use korrigo_domain::Locale;

/// The translator of one request.
#[derive(Clone, Copy, Debug)]
pub struct Tr {
    /// The request's language.
    pub locale: Locale,
}

/// (key, French, English).
const TABLE: &[(&str, &str, &str)] = &[
    ("nav.main", "Navigation principale", "Main navigation"),
    ("common.actions", "Actions", "Actions"),
    ("nav.dashboard", "Accueil", "Home"),
    ("nav.users", "Utilisateurs", "Users"),
    ("nav.audit", "Journal d'audit", "Audit log"),
    ("nav.jobs", "Tâches de fond", "Background jobs"),
    ("nav.password", "Mot de passe", "Password"),
    ("nav.logout", "Se déconnecter", "Log out"),
    ("lang.label", "Langue", "Language"),
    ("role.admin", "Administrateur", "Administrator"),
    ("role.teacher", "Enseignant", "Teacher"),
    ("role.student", "Élève", "Student"),
    ("login.title", "Connexion du personnel", "Staff login"),
    ("login.student_title", "Connexion élève", "Student login"),
    (
        "login.username",
        "Identifiant ou e-mail",
        "Username or e-mail",
    ),
    ("login.password", "Mot de passe", "Password"),
    ("login.submit", "Se connecter", "Log in"),
    (
        "login.staff_link",
        "Vous êtes enseignant ou administrateur ?",
        "Staff member? Log in here",
    ),
    (
        "login.student_link",
        "Vous êtes élève ? Connexion élève",
        "Student? Log in here",
    ),
    ("setup.title", "Première configuration", "First-time setup"),
    (
        "setup.intro",
        "Choisissez le mot de passe du compte administrateur. Ce lien ne fonctionne qu'une fois.",
        "Choose the administrator account's password. This link works only once.",
    ),
    (
        "setup.submit",
        "Créer le compte administrateur",
        "Create the administrator account",
    ),
    (
        "setup.invalid",
        "Ce lien de configuration n'est pas valide ou a déjà servi. Un nouveau lien est affiché au prochain démarrage tant qu'aucun administrateur n'existe.",
        "This setup link is invalid or was already used. A new link is printed at the next start as long as no administrator exists.",
    ),
    (
        "password.title",
        "Changer de mot de passe",
        "Change password",
    ),
    (
        "password.forced",
        "Vous devez choisir un nouveau mot de passe avant de continuer.",
        "You must choose a new password before going on.",
    ),
    (
        "password.current",
        "Mot de passe actuel",
        "Current password",
    ),
    ("password.new", "Nouveau mot de passe", "New password"),
    (
        "password.rules",
        "Au moins 10 caractères, pas un mot de passe courant, sans votre identifiant.",
        "At least 10 characters, not a common password, not containing your username.",
    ),
    ("password.submit", "Enregistrer", "Save"),
    ("dashboard.hello", "Bonjour", "Hello"),
    (
        "dashboard.users_hint",
        "Créer, modifier, désactiver les comptes ; réinitialiser un mot de passe.",
        "Create, edit and deactivate accounts; reset a password.",
    ),
    (
        "dashboard.audit_hint",
        "Connexions, échecs, changements de mot de passe et de comptes.",
        "Logins, failures, password and account changes.",
    ),
    ("dashboard.my_copies", "Mes copies", "My copies"),
    (
        "dashboard.no_copies",
        "Aucune copie publiée pour l'instant. Vos copies corrigées apparaîtront ici dès que vos professeurs publieront les résultats.",
        "No released copy yet. Your graded copies will appear here as soon as your teachers release the results.",
    ),
    ("dashboard.my_exams", "Mes examens", "My exams"),
    (
        "dashboard.no_exams",
        "Aucun examen pour l'instant. Les examens que vous gérez ou corrigez apparaîtront ici.",
        "No exam yet. The exams you manage or grade will appear here.",
    ),
    ("users.create", "Nouvel utilisateur", "New user"),
    ("users.display_name", "Nom", "Name"),
    ("users.email", "E-mail", "E-mail"),
    ("users.role", "Rôle", "Role"),
    (
        "users.temp_hint",
        "Un mot de passe provisoire est généré ; l'utilisateur devra le changer à sa première connexion.",
        "A temporary password is generated; the user must change it at first login.",
    ),
    ("users.create_submit", "Créer", "Create"),
    (
        "users.credentials",
        "Transmettez ces identifiants à l'utilisateur ; le mot de passe provisoire ne sera plus affiché.",
        "Hand these credentials to the user; the temporary password will not be shown again.",
    ),
    ("users.all_roles", "Tous les rôles", "All roles"),
    ("users.status", "État", "Status"),
    ("users.all_statuses", "Tous les états", "All statuses"),
    ("users.active", "Actif", "Active"),
    ("users.inactive", "Désactivé", "Deactivated"),
    (
        "users.pending_password",
        "mot de passe à changer",
        "password change pending",
    ),
    (
        "users.empty",
        "Aucun utilisateur. Créez le premier avec « Nouvel utilisateur ».",
        "No user yet. Create the first one with “New user”.",
    ),
    (
        "users.empty_filtered",
        "Aucun utilisateur ne correspond à ces filtres.",
        "No user matches these filters.",
    ),
    ("users.last_login", "Dernière connexion", "Last login"),
    ("users.save", "Enregistrer", "Save"),
    ("users.actions", "Actions", "Actions"),
    (
        "users.reset",
        "Réinitialiser le mot de passe",
        "Reset the password",
    ),
    (
        "users.reset_confirm",
        "Réinitialiser le mot de passe ? L'utilisateur sera déconnecté et devra en choisir un nouveau.",
        "Reset the password? The user will be logged out and must choose a new one.",
    ),
    (
        "users.deactivate",
        "Désactiver le compte",
        "Deactivate the account",
    ),
    (
        "users.deactivate_confirm",
        "Désactiver ce compte ? L'utilisateur sera déconnecté et ne pourra plus se connecter.",
        "Deactivate this account? The user will be logged out and can no longer log in.",
    ),
    (
        "users.reactivate",
        "Réactiver le compte",
        "Reactivate the account",
    ),
    ("users.sort_name", "Trier par nom", "Sort by name"),
    (
        "users.sort_username",
        "Trier par identifiant",
        "Sort by username",
    ),
    ("users.sort_newest", "Plus récents d'abord", "Newest first"),
    ("users.sort_last_login", "Dernière connexion", "Last login"),
    ("list.search", "Rechercher", "Search"),
    ("list.sort", "Tri", "Sort"),
    ("list.filter", "Filtrer", "Filter"),
    ("list.pages", "Pages", "Pages"),
    ("list.result", "résultat", "result"),
    ("list.results", "résultats", "results"),
    ("list.page", "page", "page"),
    ("list.prev", "Précédente", "Previous"),
    ("list.next", "Suivante", "Next"),
    ("audit.action", "Action", "Action"),
    ("audit.all_actions", "Toutes les actions", "All actions"),
    ("audit.from", "Du", "From"),
    ("audit.until", "Au", "Until"),
    (
        "audit.empty",
        "Aucun événement ne correspond à ces filtres.",
        "No event matches these filters.",
    ),
    ("audit.when", "Date", "When"),
    ("audit.actor", "Auteur", "Actor"),
    ("audit.object", "Objet", "Object"),
    ("audit.details", "Détails", "Details"),
    (
        "dashboard.jobs_hint",
        "Traitements en arrière-plan : progression, échecs et leur cause.",
        "Background processing: progress, failures and their cause.",
    ),
    ("jobs.status", "État", "Status"),
    ("jobs.all_statuses", "Tous les états", "All statuses"),
    ("jobs.kind", "Type", "Kind"),
    ("jobs.attempts", "Tentatives", "Attempts"),
    ("jobs.progress", "Progression", "Progress"),
    ("jobs.updated", "Mise à jour", "Updated"),
    ("jobs.error", "Dernière erreur", "Last error"),
    (
        "jobs.empty",
        "Aucune tâche ne correspond à ces filtres.",
        "No job matches these filters.",
    ),
    ("jobs.queued", "En attente", "Queued"),
    ("jobs.running", "En cours", "Running"),
    ("jobs.succeeded", "Terminée", "Succeeded"),
    ("jobs.failed", "Échouée", "Failed"),
    ("nav.students", "Élèves", "Students"),
    ("nav.exams", "Examens", "Exams"),
    ("students.import", "Importer des élèves", "Import students"),
    ("students.class", "Classe", "Class"),
    ("students.group", "Groupe", "Group"),
    ("students.all_classes", "Toutes les classes", "All classes"),
    ("students.sort_class", "Trier par classe", "Sort by class"),
    ("students.sort_group", "Trier par groupe", "Sort by group"),
    (
        "students.empty",
        "Aucun élève. Importez l'export CSV de Pronote ou de SIECLE avec « Importer des élèves ».",
        "No student yet. Import the Pronote or SIECLE CSV export with “Import students”.",
    ),
    (
        "students.empty_filtered",
        "Aucun élève ne correspond à ces filtres.",
        "No student matches these filters.",
    ),
    ("students.last_name", "Nom", "Last name"),
    ("students.first_name", "Prénom", "First name"),
    ("students.birth_date", "Né(e) le", "Birth date"),
    ("students.exams", "Examens passés", "Exams sat"),
    (
        "students.no_exams",
        "Aucun examen ne concerne cet élève.",
        "No exam concerns this student.",
    ),
    (
        "import.intro",
        "Choisissez l'export CSV de Pronote ou de SIECLE (séparateur ; ou , — UTF-8 ou Windows-1252). Un aperçu montre chaque ligne avant tout import ; rien n'est enregistré avant votre confirmation.",
        "Choose the Pronote or SIECLE CSV export (; or , separated — UTF-8 or Windows-1252). A preview shows every row before anything is imported; nothing is saved until you confirm.",
    ),
    ("import.file", "Fichier CSV", "CSV file"),
    ("import.confirm", "Confirmer l'import", "Confirm the import"),
    ("import.rejected", "Lignes rejetées", "Rejected rows"),
    ("import.valid", "Lignes valides", "Valid rows"),
    ("import.line", "Ligne", "Line"),
    ("import.reason", "Motif", "Reason"),
    ("import.outcome", "Effet", "Outcome"),
    (
        "import.rows",
        "{new} nouveaux élèves, {updated} mises à jour, {unchanged} inchangés, {rejected} lignes rejetées.",
        "{new} new students, {updated} updates, {unchanged} unchanged, {rejected} rejected rows.",
    ),
    (
        "import.done",
        "Import terminé : {new} nouveaux élèves, {updated} mis à jour, {unchanged} inchangés, {rejected} lignes rejetées.",
        "Import done: {new} new students, {updated} updated, {unchanged} unchanged, {rejected} rejected rows.",
    ),
    ("exams.create", "Nouvel examen", "New exam"),
    ("exams.name", "Nom", "Name"),
    ("exams.subject", "Matière", "Subject"),
    ("exams.date", "Date", "Date"),
    ("exams.classes", "Classes", "Classes"),
    (
        "exams.classes_hint",
        "Séparées par des virgules ; vide : tous les élèves.",
        "Comma-separated; empty: every student.",
    ),
    ("exams.layout", "Format des copies", "Copy layout"),
    (
        "exams.layout_a4_4",
        "A4, 4 pages par copie",
        "A4, 4 pages per copy",
    ),
    (
        "exams.layout_a4_8",
        "A4, 8 pages par copie",
        "A4, 8 pages per copy",
    ),
    (
        "exams.layout_a4_2",
        "A4, 2 pages par copie",
        "A4, 2 pages per copy",
    ),
    (
        "exams.layout_a4_1",
        "A4, 1 page par copie",
        "A4, 1 page per copy",
    ),
    ("exams.layout_a3", "A3 copies doubles", "A3 copies doubles"),
    ("exams.grade_scale", "Noté sur", "Out of"),
    ("exams.coefficient", "Coefficient", "Coefficient"),
    (
        "exams.show_archived",
        "Afficher les examens archivés",
        "Show archived exams",
    ),
    (
        "exams.empty",
        "Aucun examen. Créez-en un avec « Nouvel examen » ; les examens dont vous êtes membre apparaîtront aussi ici.",
        "No exam yet. Create one with “New exam”; the exams you are a member of will appear here too.",
    ),
    (
        "exams.empty_filtered",
        "Aucun examen ne correspond à ces filtres.",
        "No exam matches these filters.",
    ),
    ("exams.my_role", "Mon rôle", "My role"),
    ("exams.archived", "archivé", "archived"),
    ("exams.role_manager", "Gestionnaire", "Manager"),
    ("exams.role_corrector", "Correcteur", "Corrector"),
    ("exams.role_none", "—", "—"),
    ("exams.scheme", "Barème", "Marking scheme"),
    (
        "exams.student_concerned",
        "élève concerné",
        "student concerned",
    ),
    (
        "exams.students_concerned",
        "élèves concernés",
        "students concerned",
    ),
    ("exams.details", "Informations", "Details"),
    ("exams.members", "Membres", "Members"),
    ("exams.add_member", "Ajouter", "Add"),
    ("exams.remove_member", "Retirer", "Remove"),
    (
        "exams.remove_member_confirm",
        "Retirer ce membre de l'examen ?",
        "Remove this member from the exam?",
    ),
    ("exams.archive", "Archiver l'examen", "Archive the exam"),
    ("exams.restore", "Désarchiver", "Restore"),
    (
        "exams.archive_confirm",
        "Archiver cet examen ? Il disparaîtra des listes (il reste consultable en affichant les examens archivés).",
        "Archive this exam? It leaves the lists (it stays visible when showing archived exams).",
    ),
    ("scheme.total", "Total :", "Total:"),
    (
        "scheme.add_exercise",
        "Ajouter un exercice",
        "Add an exercise",
    ),
    ("scheme.export", "Exporter (JSON)", "Export (JSON)"),
    ("scheme.import", "Importer (JSON)", "Import (JSON)"),
    ("scheme.new_exercise", "Exercice", "Exercise"),
    ("scheme.new_question", "Question", "Question"),
    ("scheme.label", "Intitulé", "Label"),
    ("scheme.points", "Points", "Points"),
    (
        "scheme.add_child",
        "Ajouter une sous-question",
        "Add a sub-question",
    ),
    ("scheme.delete", "Supprimer", "Delete"),
    ("scheme.up", "Monter", "Move up"),
    ("scheme.down", "Descendre", "Move down"),
    ("scheme.saved", "Enregistré", "Saved"),
    (
        "scheme.unsaved",
        "Modifications non enregistrées",
        "Unsaved changes",
    ),
    (
        "scheme.empty",
        "Barème vide : ajoutez un exercice.",
        "Empty scheme: add an exercise.",
    ),
    (
        "scheme.delete_confirm",
        "Supprimer ce nœud et ses sous-questions ?",
        "Delete this node and its sub-questions?",
    ),
    (
        "scheme.keys",
        "Clavier : Entrée ajoute un élément à la suite, Alt+↑/↓ déplace, Alt+→ en fait une sous-question de l'élément du dessus, Alt+← la remonte d'un niveau, Ctrl+S enregistre. Glisser-déposer pour déplacer. Les points vont par quarts (0,25).",
        "Keyboard: Enter adds an item after, Alt+↑/↓ moves, Alt+→ makes it a sub-question of the item above, Alt+← moves it up a level, Ctrl+S saves. Drag and drop to move. Points go by quarters (0.25).",
    ),
    (
        "activate.title",
        "Activer mon compte",
        "Activate my account",
    ),
    (
        "activate.intro",
        "Saisissez l'identifiant et le code d'activation de votre fiche, puis choisissez votre mot de passe.",
        "Enter the login and activation code from your slip, then choose your password.",
    ),
    ("activate.username", "Identifiant :", "Login:"),
    ("activate.code", "Code d'activation", "Activation code"),
    ("activate.submit", "Activer", "Activate"),
    (
        "activate.link",
        "Première connexion ? Activez votre compte avec votre code",
        "First time? Activate your account with your code",
    ),
    ("accounts.intro", "Comptes élèves :", "Student accounts:"),
    (
        "accounts.generate",
        "Créer les comptes et imprimer les codes (PDF)",
        "Create the accounts and print the codes (PDF)",
    ),
    (
        "accounts.confirm",
        "Créer un compte pour chaque élève qui n'en a pas encore ? Les codes d'activation ne seront affichés qu'une fois, dans le PDF.",
        "Create an account for each student who has none yet? The activation codes are shown only once, in the PDF.",
    ),
    ("accounts.title", "Compte de l'élève", "Student account"),
    (
        "accounts.none",
        "Pas encore de compte : créez ceux de sa classe depuis la liste des élèves.",
        "No account yet: create those of their class from the student list.",
    ),
    (
        "accounts.reset",
        "Nouveau code d'activation (PDF)",
        "New activation code (PDF)",
    ),
    (
        "accounts.reset_confirm",
        "Remplacer le code d'activation ? L'ancien ne fonctionnera plus et l'élève sera déconnecté.",
        "Replace the activation code? The old one stops working and the student is logged out.",
    ),
    ("accounts.downloaded", "PDF téléchargé.", "PDF downloaded."),
    (
        "users.import_teachers",
        "Importer des enseignants (CSV)",
        "Import teachers (CSV)",
    ),
    (
        "users.import_teachers_hint",
        "Fichier CSV avec les colonnes Nom, Prénom et Adresse e-mail ; l'identifiant de chaque enseignant est son e-mail. Les codes d'activation sont dans le PDF téléchargé.",
        "CSV file with Nom, Prénom and e-mail columns; each teacher's login is their e-mail. The activation codes are in the downloaded PDF.",
    ),
    (
        "exams.sort_date",
        "Trier par date d'examen",
        "Sort by exam date",
    ),
    ("scans.title", "Copies scannées", "Scans"),
    ("scans.uploading", "Envoi…", "Uploading…"),
    (
        "scans.retrying",
        "Connexion perdue, nouvel essai",
        "Connection lost, retrying",
    ),
    (
        "scans.uploaded",
        "Envoyé ; le traitement commence",
        "Uploaded; processing starts",
    ),
    (
        "scans.resumed",
        "Reprise de l'envoi interrompu",
        "Resuming the interrupted upload",
    ),
    (
        "scans.delete_confirm",
        "Supprimer ce lot ? Son fichier sera effacé.",
        "Discard this batch? Its file will be deleted.",
    ),
    ("scans.layout", "Format des copies :", "Copy layout:"),
    (
        "scans.drop",
        "Déposez ici les PDF du scanner (ou un ZIP de PDF/images), ou cliquez pour choisir. Jusqu'à 2 Go par fichier ; un envoi interrompu reprend où il s'est arrêté.",
        "Drop the scanner's PDFs here (or a ZIP of PDFs/images), or click to choose. Up to 2 GB per file; an interrupted upload resumes where it stopped.",
    ),
    (
        "scans.grouping",
        "Regroupement en copies :",
        "Grouping into copies:",
    ),
    (
        "scans.grouping_fixed",
        "nombre fixe de pages par copie",
        "a fixed number of pages per copy",
    ),
    (
        "scans.grouping_headers",
        "une nouvelle copie à chaque en-tête",
        "a new copy at each name header",
    ),
    (
        "scans.grouping_loose",
        "pages à insérer (rescan)",
        "pages to insert (rescan)",
    ),
    ("scans.batches", "Lots envoyés", "Uploaded batches"),
    (
        "scans.empty",
        "Aucun scan pour l'instant : déposez les fichiers du scanner ci-dessus.",
        "No scans yet: drop the scanner's files above.",
    ),
    ("scans.file", "Fichier", "File"),
    ("scans.status", "État", "Status"),
    ("scans.progress", "Avancement", "Progress"),
    ("scans.summary", "Résultat", "Result"),
    (
        "copies.title",
        "Copies (atelier de réparation)",
        "Copies (repair desk)",
    ),
    ("copies.pages", "pages", "pages"),
    ("copies.page", "page", "page"),
    ("copies.status_PROCESSING", "en traitement", "processing"),
    ("copies.status_READY", "prête à corriger", "ready to grade"),
    ("copies.status_GRADING", "en correction", "being graded"),
    ("copies.status_GRADED", "corrigée", "graded"),
    (
        "copies.status_FINALIZING",
        "PDF final en cours",
        "final PDF under way",
    ),
    (
        "copies.status_FINALIZE_FAILED",
        "PDF final en échec",
        "final PDF failed",
    ),
    (
        "copies.unexpected",
        "nombre de pages inattendu",
        "unexpected page count",
    ),
    ("copies.loose", "Pages non rattachées", "Unassigned pages"),
    (
        "copies.delete_confirm",
        "Retirer cette page de la copie ? Elle reste conservée à part.",
        "Remove this page from the copy? It is kept aside.",
    ),
    (
        "copies.merge_confirm",
        "Fusionner les copies",
        "Merge copies",
    ),
    (
        "copies.split_confirm",
        "Couper la copie avant cette page ? Les pages suivantes formeront une nouvelle copie.",
        "Split the copy before this page? The following pages become a new copy.",
    ),
    ("copies.new_copy", "nouvelle copie", "new copy"),
    ("copies.merge_into", "Fusionner dans…", "Merge into…"),
    ("copies.flag_blank", "blanche", "blank"),
    ("copies.flag_unsure", "à vérifier", "check"),
    (
        "copies.keys",
        "Clavier : ←/→ choisir une page, R pivoter, B blanche, S couper avant, Suppr retirer. Glissez les vignettes pour réordonner ou déplacer.",
        "Keys: ←/→ choose a page, R rotate, B blank, S split before, Delete remove. Drag thumbnails to reorder or move.",
    ),
    (
        "copies.none_selected",
        "Aucune page choisie",
        "No page selected",
    ),
    ("copies.rotate", "Pivoter ↻", "Rotate ↻"),
    ("copies.blank", "Blanche", "Blank"),
    ("copies.split", "Couper avant", "Split before"),
    ("copies.move_to", "Déplacer vers", "Move to"),
    ("copies.delete_page", "Retirer", "Remove"),
    (
        "copies.empty",
        "Aucune copie : envoyez d'abord les scans.",
        "No copies yet: upload the scans first.",
    ),
    ("ident.title", "Identification", "Identification"),
    ("ident.read", "Lu\u{a0}:", "Read:"),
    (
        "ident.taken",
        "déjà sur une autre copie",
        "already on another copy",
    ),
    (
        "ident.none",
        "Rien de lu pour l'instant (lecture en cours ou en-tête absent).",
        "Nothing read yet (reading under way, or no header).",
    ),
    (
        "ident.done",
        "Aucune copie dans cette liste.",
        "No copy in this list.",
    ),
    (
        "ident.not_student",
        "Pas un élève / copie blanche",
        "Not a student / blank copy",
    ),
    ("ident.remaining", "à identifier", "to identify"),
    ("ident.pending", "À identifier", "Pending"),
    ("ident.auto", "Automatiques", "Automatic"),
    ("ident.manual", "Manuelles", "Manual"),
    ("ident.all", "Toutes", "All"),
    (
        "ident.rerun",
        "Relire tous les en-têtes",
        "Read every header again",
    ),
    (
        "ident.keys",
        "Clavier\u{a0}: 1–5 ou Entrée choisit une suggestion, / recherche (↑/↓ parcourent les résultats), ←/→ copie précédente/suivante, N pas un élève, S passer.",
        "Keys: 1–5 or Enter picks a suggestion, / searches (↑/↓ move in the results), ←/→ previous/next copy, N not a student, S skip.",
    ),
    (
        "ident.search",
        "Rechercher un élève (nom, prénom)",
        "Search a student (name, first name)",
    ),
    ("ident.skip", "Passer", "Skip"),
    ("ident.filter", "Copies affichées", "Copies shown"),
    ("ident.prev", "Précédente", "Previous"),
    ("ident.next", "Suivante", "Next"),
    ("ident.number", "n° de candidat", "candidate no."),
    ("ident.no_match", "Aucun élève trouvé.", "No student found."),
    ("ident.method_auto", "automatique", "automatic"),
    ("ident.method_manual", "à la main", "by hand"),
    ("ident.table", "Vue tableau", "Table view"),
    ("ident.desk", "Une copie à la fois", "One copy at a time"),
    (
        "ident.table_hint",
        "Cochez les copies dont la meilleure suggestion est la bonne, puis confirmez-les ensemble.",
        "Tick the copies whose best suggestion is right, then confirm them together.",
    ),
    ("ident.copy", "Copie", "Copy"),
    ("ident.best", "Meilleure suggestion", "Best suggestion"),
    ("ident.score", "Score", "Score"),
    (
        "ident.confirm",
        "Confirmer la sélection",
        "Confirm the selection",
    ),
    ("ident.select_all", "Tout cocher", "Tick all"),
    ("ident.confirmed_one", "copie identifiée", "copy identified"),
    (
        "ident.confirmed_many",
        "copies identifiées",
        "copies identified",
    ),
    (
        "ident.unmatched",
        "Élèves sans copie",
        "Students without a copy",
    ),
    (
        "ident.unmatched_none",
        "Chaque élève de l\u{2019}examen a sa copie.",
        "Every student of the exam has a copy.",
    ),
    (
        "ident.rerun_one",
        "copie sera relue.",
        "copy will be read again.",
    ),
    (
        "ident.rerun_many",
        "copies seront relues.",
        "copies will be read again.",
    ),
    ("error.home", "Retour à l'accueil", "Back to the home page"),
    (
        "error.forbidden",
        "Vous n'avez pas accès à cette page.",
        "You are not allowed to see this page.",
    ),
    (
        "error.not_found",
        "Cette page n'existe pas.",
        "This page does not exist.",
    ),
];

impl Tr {
    /// "1 résultat", "0 résultat", "2 résultats" (French takes the singular for 0 and 1,
    /// English for 1 only): `n` then the word of `one` or `many`.
    pub fn count(&self, n: &i64, one: &str, many: &str) -> String {
        let n = *n;
        let singular = match self.locale {
            Locale::Fr => n.abs() < 2,
            Locale::En => n.abs() == 1,
        };
        format!("{n}\u{a0}{}", self.get(if singular { one } else { many }))
    }

    /// The text of `key` in the request's language (the key itself if unknown, so a missing
    /// translation shows up instead of an empty space).
    pub fn get<'a>(&self, key: &'a str) -> &'a str {
        match TABLE.iter().find(|(k, ..)| *k == key) {
            Some((_, fr, en)) => match self.locale {
                Locale::Fr => fr,
                Locale::En => en,
            },
            None => key,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_used_by_a_template_exists() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut missing = vec![];
        for entry in std::fs::read_dir(&dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for part in text.split("t.get(\"").skip(1) {
                let key = part.split('"').next().unwrap();
                if !TABLE.iter().any(|(k, ..)| *k == key) {
                    missing.push(key.to_string());
                }
            }
        }
        assert!(missing.is_empty(), "missing translations: {missing:?}");
    }

    #[test]
    fn keys_are_unique() {
        let mut keys: Vec<_> = TABLE.iter().map(|(k, ..)| *k).collect();
        keys.sort();
        let n = keys.len();
        keys.dedup();
        assert_eq!(n, keys.len());
    }

    #[test]
    fn french_is_the_default() {
        let t = Tr {
            locale: Locale::default(),
        };
        assert_eq!(t.get("nav.logout"), "Se déconnecter");
        assert_eq!(Tr { locale: Locale::En }.get("nav.logout"), "Log out");
    }
}
