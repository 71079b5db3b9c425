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
    ("users.username", "Identifiant", "Username"),
    ("common.colon", "\u{a0}: ", ": "),
    (
        "users.temp_password",
        "Mot de passe provisoire",
        "Temporary password",
    ),
    ("users.login_at", "Adresse de connexion", "Log in at"),
    (
        "users.copy",
        "Copier ces informations",
        "Copy these details",
    ),
    ("nav.dashboard", "Accueil", "Home"),
    ("nav.users", "Utilisateurs", "Users"),
    ("nav.audit", "Journal d\u{2019}audit", "Audit log"),
    ("nav.jobs", "Tâches de fond", "Background jobs"),
    ("nav.password", "Mot de passe", "Password"),
    ("nav.logout", "Se déconnecter", "Log out"),
    ("lang.label", "Langue", "Language"),
    ("role.admin", "Administrateur", "Administrator"),
    ("role.teacher", "Enseignant", "Teacher"),
    ("role.student", "Élève", "Student"),
    ("role.student_plural", "Élèves", "Students"),
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
        "login.activated",
        "Compte activé\u{a0}: connectez-vous avec votre identifiant et le mot de passe que vous venez de choisir.",
        "Account activated: log in with your username and the password you have just chosen.",
    ),
    (
        "login.staff_link",
        "Vous êtes enseignant ou administrateur\u{a0}?",
        "Staff member? Log in here",
    ),
    (
        "login.student_link",
        "Vous êtes élève\u{a0}? Connexion élève",
        "Student? Log in here",
    ),
    ("setup.title", "Première configuration", "First-time setup"),
    (
        "setup.intro",
        "Choisissez le mot de passe du compte administrateur. Ce lien ne fonctionne qu\u{2019}une fois.",
        "Choose the administrator account's password. This link works only once.",
    ),
    (
        "setup.submit",
        "Créer le compte administrateur",
        "Create the administrator account",
    ),
    (
        "setup.invalid",
        "Ce lien de configuration n\u{2019}est pas valide ou a déjà servi. Un nouveau lien est affiché au prochain démarrage tant qu\u{2019}aucun administrateur n\u{2019}existe.",
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
        "Créer, modifier, désactiver les comptes\u{a0}; réinitialiser un mot de passe.",
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
        "Aucune copie publiée pour l\u{2019}instant. Vos copies corrigées apparaîtront ici dès que vos professeurs publieront les résultats.",
        "No released copy yet. Your graded copies will appear here as soon as your teachers release the results.",
    ),
    ("dashboard.my_exams", "Mes examens", "My exams"),
    (
        "dashboard.no_exams",
        "Aucun examen pour l\u{2019}instant. Les examens que vous gérez ou corrigez apparaîtront ici.",
        "No exam yet. The exams you manage or grade will appear here.",
    ),
    ("users.create", "Nouvel utilisateur", "New user"),
    ("users.display_name", "Nom", "Name"),
    ("users.email", "E-mail", "E-mail"),
    ("users.role", "Rôle", "Role"),
    (
        "users.temp_hint",
        "Un mot de passe provisoire est généré\u{a0}; l\u{2019}utilisateur devra le changer à sa première connexion.",
        "A temporary password is generated; the user must change it at first login.",
    ),
    ("users.create_submit", "Créer", "Create"),
    (
        "users.credentials",
        "Transmettez ces identifiants à l\u{2019}utilisateur\u{a0}; le mot de passe provisoire ne sera plus affiché.",
        "Hand these credentials to the user; the temporary password will not be shown again.",
    ),
    (
        "users.all_roles",
        "Tous les comptes (élèves compris)",
        "Every account (students too)",
    ),
    (
        "users.staff",
        "Personnel (enseignants et administrateurs)",
        "Staff (teachers and administrators)",
    ),
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
        "Réinitialiser le mot de passe\u{a0}? L\u{2019}utilisateur sera déconnecté et devra en choisir un nouveau.",
        "Reset the password? The user will be logged out and must choose a new one.",
    ),
    (
        "users.deactivate",
        "Désactiver le compte",
        "Deactivate the account",
    ),
    (
        "users.deactivate_confirm",
        "Désactiver ce compte\u{a0}? L\u{2019}utilisateur sera déconnecté et ne pourra plus se connecter.",
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
    (
        "users.sort_newest",
        "Plus récents d\u{2019}abord",
        "Newest first",
    ),
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
    ("audit.a.login.succeeded", "Connexion", "Logged in"),
    ("audit.a.login.failed", "Connexion refusée", "Login refused"),
    (
        "audit.a.login.throttled",
        "Connexion bloquée (trop d\u{2019}échecs)",
        "Login blocked (too many failures)",
    ),
    ("audit.a.logout", "Déconnexion", "Logged out"),
    (
        "audit.a.password.changed",
        "Mot de passe changé",
        "Password changed",
    ),
    (
        "audit.a.password.change_failed",
        "Changement de mot de passe refusé (mot de passe actuel erroné)",
        "Password change refused (wrong current password)",
    ),
    (
        "audit.a.password.reset",
        "Mot de passe réinitialisé",
        "Password reset",
    ),
    (
        "audit.a.admin.setup",
        "Premier administrateur créé",
        "First administrator created",
    ),
    ("audit.a.user.created", "Compte créé", "Account created"),
    ("audit.a.user.updated", "Compte modifié", "Account edited"),
    (
        "audit.a.user.deactivated",
        "Compte désactivé",
        "Account deactivated",
    ),
    (
        "audit.a.user.reactivated",
        "Compte réactivé",
        "Account reactivated",
    ),
    (
        "audit.a.locale.changed",
        "Langue changée",
        "Language changed",
    ),
    (
        "audit.a.students.imported",
        "Import d\u{2019}élèves",
        "Students imported",
    ),
    ("audit.a.student.updated", "Élève modifié", "Student edited"),
    ("audit.a.exam.created", "Examen créé", "Exam created"),
    ("audit.a.exam.updated", "Examen modifié", "Exam edited"),
    ("audit.a.exam.archived", "Examen archivé", "Exam archived"),
    ("audit.a.exam.restored", "Examen restauré", "Exam restored"),
    (
        "audit.a.exam.member_set",
        "Membre d\u{2019}examen ajouté ou modifié",
        "Exam member added or changed",
    ),
    (
        "audit.a.exam.member_removed",
        "Membre d\u{2019}examen retiré",
        "Exam member removed",
    ),
    (
        "audit.a.exam.scheme_saved",
        "Barème enregistré",
        "Marking scheme saved",
    ),
    (
        "audit.a.student.accounts_generated",
        "Comptes élèves créés",
        "Student accounts created",
    ),
    (
        "audit.a.student.activation_reset",
        "Nouveau code d\u{2019}activation",
        "New activation code",
    ),
    (
        "audit.a.account.activated",
        "Compte activé",
        "Account activated",
    ),
    (
        "audit.a.activation.failed",
        "Code d\u{2019}activation refusé",
        "Activation code refused",
    ),
    (
        "audit.a.teachers.imported",
        "Import d\u{2019}enseignants",
        "Teachers imported",
    ),
    (
        "audit.a.scans.uploaded",
        "Fichier scanné envoyé",
        "Scan file uploaded",
    ),
    (
        "audit.a.scans.batch_deleted",
        "Fichier scanné supprimé",
        "Scan file discarded",
    ),
    (
        "audit.a.scans.duplicate_accepted",
        "Fichier en double traité quand même",
        "Duplicate file processed anyway",
    ),
    ("audit.a.copy.repaired", "Copie réparée", "Copy repaired"),
    (
        "audit.a.copy.identified",
        "Copie identifiée",
        "Copy identified",
    ),
    (
        "audit.a.exam.dispatched",
        "Copies réparties entre correcteurs",
        "Copies dispatched",
    ),
    ("audit.a.copy.reopened", "Copie rouverte", "Copy reopened"),
    ("audit.o.user", "compte", "account"),
    ("audit.o.exam", "examen n°", "exam no."),
    ("audit.o.class", "classe", "class"),
    ("audit.o.batch", "fichier scanné n°", "scan file no."),
    ("audit.o.copy", "copie n°", "copy no."),
    ("audit.o.import", "import n°", "import no."),
    ("audit.o.student", "élève n°", "student no."),
    ("audit.k.reason", "motif", "reason"),
    ("audit.k.login", "identifiant saisi", "identifier typed"),
    ("audit.k.method", "méthode", "method"),
    ("audit.k.student", "élève n°", "student no."),
    (
        "audit.k.previous",
        "élève précédent n°",
        "previous student no.",
    ),
    ("audit.k.copy", "copie n°", "copy no."),
    ("audit.k.code", "code", "code"),
    ("audit.k.role", "rôle", "role"),
    ("audit.k.username", "identifiant", "username"),
    ("audit.k.changed", "champs modifiés", "fields changed"),
    ("audit.k.locale", "langue", "language"),
    ("audit.k.accounts", "comptes", "accounts"),
    ("audit.k.file", "fichier", "file"),
    ("audit.k.size", "octets", "bytes"),
    ("audit.k.batch", "fichier n°", "file no."),
    (
        "audit.k.duplicate_of",
        "doublon du fichier n°",
        "duplicate of file no.",
    ),
    ("audit.k.op", "opération", "operation"),
    ("audit.k.page", "page n°", "page no."),
    ("audit.k.pages", "pages", "pages"),
    (
        "audit.k.rotation",
        "rotation (degrés)",
        "rotation (degrees)",
    ),
    ("audit.k.into", "dans la copie n°", "into copy no."),
    ("audit.k.from", "depuis la copie n°", "from copy no."),
    ("audit.k.position", "avant la page", "before page"),
    ("audit.k.new_copy", "nouvelle copie n°", "new copy no."),
    ("audit.k.total", "total", "total"),
    ("audit.k.grade_scale", "noté sur", "graded out of"),
    ("audit.k.version", "version", "version"),
    ("audit.k.created", "créés", "created"),
    ("audit.k.existing", "existants", "existing"),
    ("audit.k.rejected", "lignes refusées", "rejected rows"),
    ("audit.k.imported", "nouveaux", "new"),
    ("audit.k.updated", "mis à jour", "updated"),
    ("audit.k.unchanged", "inchangés", "unchanged"),
    ("audit.k.rows", "lignes", "rows"),
    ("audit.k.name", "nom", "name"),
    ("audit.k.user", "compte n°", "account no."),
    ("audit.k.via", "par", "via"),
    ("audit.k.swap", "échange", "swap"),
    ("audit.k.not_student", "pas un élève", "not a student"),
    ("audit.k.blank", "blanche", "blank"),
    ("audit.k.stage", "étape", "stage"),
    ("audit.k.import", "import n°", "import no."),
    ("audit.k.job", "tâche n°", "job no."),
    (
        "audit.v.unknown_user",
        "identifiant inconnu",
        "unknown username",
    ),
    (
        "audit.v.wrong_password",
        "mot de passe erroné",
        "wrong password",
    ),
    (
        "audit.v.deactivated",
        "compte désactivé",
        "deactivated account",
    ),
    ("audit.v.auto", "automatique", "automatic"),
    ("audit.v.manual", "à la main", "by hand"),
    ("audit.v.merge", "fusion", "merge"),
    ("audit.v.split", "coupure", "split"),
    ("audit.v.rotate", "rotation", "rotation"),
    ("audit.v.blank", "page blanche", "blank page"),
    ("audit.v.delete_page", "page retirée", "page removed"),
    ("audit.v.set_pages", "pages réordonnées", "pages reordered"),
    ("audit.v.new_copy", "nouvelle copie", "new copy"),
    ("audit.v.started", "commencé", "started"),
    ("audit.v.done", "terminé", "done"),
    ("audit.v.true", "oui", "yes"),
    ("audit.v.false", "non", "no"),
    ("audit.v.admin", "administrateur", "administrator"),
    ("audit.v.teacher", "enseignant", "teacher"),
    ("audit.v.student", "élève", "student"),
    ("audit.v.manager", "gestionnaire", "manager"),
    ("audit.v.corrector", "correcteur", "corrector"),
    (
        "job.students.import",
        "Import d\u{2019}élèves",
        "Student import",
    ),
    (
        "job.sessions.purge",
        "Nettoyage des sessions expirées",
        "Expired sessions clean-up",
    ),
    (
        "job.scans.process",
        "Traitement d\u{2019}un fichier scanné",
        "Scan file processing",
    ),
    (
        "job.identify.read",
        "Lecture de l\u{2019}en-tête d\u{2019}une copie",
        "Reading a copy\u{2019}s header",
    ),
    (
        "job.identify.match",
        "Identification des copies d\u{2019}un examen",
        "Matching an exam\u{2019}s copies",
    ),
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
        "Traitements en arrière-plan\u{a0}: progression, échecs et leur cause.",
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
        "Aucun élève. Importez l\u{2019}export CSV de Pronote ou de SIECLE avec « Importer des élèves ».",
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
        "Choisissez l\u{2019}export CSV de Pronote ou de SIECLE (séparateur\u{a0}; ou , — UTF-8 ou Windows-1252). Un aperçu montre chaque ligne avant tout import\u{a0}; rien n\u{2019}est enregistré avant votre confirmation.",
        "Choose the Pronote or SIECLE CSV export (; or , separated — UTF-8 or Windows-1252). A preview shows every row before anything is imported; nothing is saved until you confirm.",
    ),
    ("import.file", "Fichier CSV", "CSV file"),
    (
        "import.confirm",
        "Confirmer l\u{2019}import",
        "Confirm the import",
    ),
    ("import.rejected", "Lignes rejetées", "Rejected rows"),
    ("import.valid", "Lignes valides", "Valid rows"),
    ("import.line", "Ligne", "Line"),
    ("import.reason", "Motif", "Reason"),
    ("import.content", "Contenu de la ligne", "Row as read"),
    (
        "import.rejected_kept",
        "Ces lignes n\u{2019}ont pas été importées. Corrigez-les dans votre fichier puis importez-le de nouveau (les élèves déjà importés seront simplement mis à jour).",
        "These rows were not imported. Fix them in your file and import it again (students already imported are simply updated).",
    ),
    (
        "import.rejected_csv",
        "Télécharger les lignes refusées (CSV)",
        "Download the rejected rows (CSV)",
    ),
    ("import.outcome", "Effet", "Outcome"),
    (
        "import.rows",
        "{new} nouveaux élèves, {updated} mises à jour, {unchanged} inchangés, {rejected} lignes rejetées.",
        "{new} new students, {updated} updates, {unchanged} unchanged, {rejected} rejected rows.",
    ),
    (
        "import.done",
        "Import terminé\u{a0}: {new} nouveaux élèves, {updated} mis à jour, {unchanged} inchangés, {rejected} lignes rejetées.",
        "Import done: {new} new students, {updated} updated, {unchanged} unchanged, {rejected} rejected rows.",
    ),
    ("exams.create", "Nouvel examen", "New exam"),
    ("exams.name", "Nom", "Name"),
    ("exams.subject", "Matière", "Subject"),
    ("exams.date", "Date", "Date"),
    ("exams.classes", "Classes", "Classes"),
    (
        "exams.classes_hint",
        "Séparées par des virgules\u{a0}; vide\u{a0}: tous les élèves.",
        "Comma-separated; empty: every student.",
    ),
    ("exams.layout", "Format des copies", "Copy layout"),
    ("exams.per_copy", "par copie", "per copy"),
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
        "Aucun examen. Créez-en un avec « Nouvel examen »\u{a0}; les examens dont vous êtes membre apparaîtront aussi ici.",
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
        "Retirer ce membre de l\u{2019}examen\u{a0}?",
        "Remove this member from the exam?",
    ),
    (
        "exams.archive",
        "Archiver l\u{2019}examen",
        "Archive the exam",
    ),
    ("exams.restore", "Désarchiver", "Restore"),
    (
        "exams.archive_confirm",
        "Archiver cet examen\u{a0}? Il disparaîtra des listes (il reste consultable en affichant les examens archivés).",
        "Archive this exam? It leaves the lists (it stays visible when showing archived exams).",
    ),
    ("scheme.total", "Total\u{a0}:", "Total:"),
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
        "scheme.quarter",
        "Les points vont par quarts de point (0,25\u{a0}; 0,5\u{a0}; 0,75\u{a0}; 1…), et au moins 0,25.",
        "Points go in quarter points (0.25, 0.5, 0.75, 1…), at least 0.25.",
    ),
    (
        "scheme.fix_first",
        "Corrigez d\u{2019}abord les points signalés en rouge.",
        "First fix the points marked in red.",
    ),
    (
        "scheme.leave",
        "Le barème a des modifications non enregistrées. Quitter la page quand même\u{a0}?",
        "The scheme has unsaved changes. Leave the page anyway?",
    ),
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
        "Barème vide\u{a0}: ajoutez un exercice.",
        "Empty scheme: add an exercise.",
    ),
    (
        "scheme.delete_confirm",
        "Supprimer ce nœud et ses sous-questions\u{a0}?",
        "Delete this node and its sub-questions?",
    ),
    (
        "scheme.keys",
        "Clavier\u{a0}: Entrée ajoute un élément à la suite, Alt+↑/↓ déplace, Alt+→ en fait une sous-question de l\u{2019}élément du dessus, Alt+← la remonte d\u{2019}un niveau, Ctrl+S enregistre. Glisser-déposer pour déplacer. Les points vont par quarts (0,25).",
        "Keyboard: Enter adds an item after, Alt+↑/↓ moves, Alt+→ makes it a sub-question of the item above, Alt+← moves it up a level, Ctrl+S saves. Drag and drop to move. Points go by quarters (0.25).",
    ),
    (
        "activate.title",
        "Activer mon compte",
        "Activate my account",
    ),
    (
        "activate.intro",
        "Saisissez l\u{2019}identifiant et le code d\u{2019}activation de votre fiche, puis choisissez votre mot de passe.",
        "Enter the login and activation code from your slip, then choose your password.",
    ),
    ("activate.username", "Identifiant\u{a0}:", "Login:"),
    (
        "activate.code",
        "Code d\u{2019}activation",
        "Activation code",
    ),
    ("activate.submit", "Activer", "Activate"),
    (
        "activate.link",
        "Première connexion\u{a0}? Activez votre compte avec votre code",
        "First time? Activate your account with your code",
    ),
    (
        "accounts.intro",
        "Comptes élèves\u{a0}:",
        "Student accounts:",
    ),
    (
        "accounts.generate",
        "Créer les comptes et imprimer les codes (PDF)",
        "Create the accounts and print the codes (PDF)",
    ),
    (
        "accounts.confirm",
        "Créer un compte pour chaque élève qui n\u{2019}en a pas encore\u{a0}? Les codes d\u{2019}activation ne seront affichés qu\u{2019}une fois, dans le PDF.",
        "Create an account for each student who has none yet? The activation codes are shown only once, in the PDF.",
    ),
    (
        "accounts.title",
        "Compte de l\u{2019}élève",
        "Student account",
    ),
    (
        "accounts.none",
        "Pas encore de compte\u{a0}: créez ceux de sa classe depuis la liste des élèves.",
        "No account yet: create those of their class from the student list.",
    ),
    (
        "accounts.reset",
        "Nouveau code d\u{2019}activation (PDF)",
        "New activation code (PDF)",
    ),
    (
        "accounts.reset_confirm",
        "Remplacer le code d\u{2019}activation\u{a0}? L\u{2019}ancien ne fonctionnera plus et l\u{2019}élève sera déconnecté.",
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
        "Fichier CSV avec les colonnes Nom, Prénom et Adresse e-mail\u{a0}; l\u{2019}identifiant de chaque enseignant est son e-mail. Les codes d\u{2019}activation sont dans le PDF téléchargé.",
        "CSV file with Nom, Prénom and e-mail columns; each teacher's login is their e-mail. The activation codes are in the downloaded PDF.",
    ),
    (
        "exams.sort_date",
        "Trier par date d\u{2019}examen",
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
        "Envoyé\u{a0}; le traitement commence",
        "Uploaded; processing starts",
    ),
    (
        "scans.resumed",
        "Reprise de l\u{2019}envoi interrompu",
        "Resuming the interrupted upload",
    ),
    (
        "scans.delete_confirm",
        "Supprimer ce lot\u{a0}? Son fichier sera effacé.",
        "Discard this batch? Its file will be deleted.",
    ),
    ("scans.layout", "Format des copies\u{a0}:", "Copy layout:"),
    (
        "scans.drop",
        "Déposez ici les PDF du scanner (ou un ZIP de PDF/images), ou cliquez pour choisir. Jusqu\u{2019}à 2 Go par fichier\u{a0}; un envoi interrompu reprend où il s\u{2019}est arrêté.",
        "Drop the scanner's PDFs here (or a ZIP of PDFs/images), or click to choose. Up to 2 GB per file; an interrupted upload resumes where it stopped.",
    ),
    (
        "scans.grouping",
        "Regroupement en copies\u{a0}:",
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
        "Aucun scan pour l\u{2019}instant\u{a0}: déposez les fichiers du scanner ci-dessus.",
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
        "Retirer cette page de la copie\u{a0}? Elle reste conservée à part.",
        "Remove this page from the copy? It is kept aside.",
    ),
    (
        "copies.merge_confirm",
        "Fusionner les copies",
        "Merge copies",
    ),
    (
        "copies.split_confirm",
        "Couper la copie avant cette page\u{a0}? Les pages suivantes formeront une nouvelle copie.",
        "Split the copy before this page? The following pages become a new copy.",
    ),
    ("copies.new_copy", "nouvelle copie", "new copy"),
    ("copies.merge_into", "Fusionner dans…", "Merge into…"),
    ("copies.flag_blank", "blanche\u{a0}?", "blank?"),
    ("copies.flag_unsure", "sens incertain", "orientation unsure"),
    (
        "copies.flag_blank_why",
        "Page presque vide\u{a0}: copie blanche ou page oubliée au scanner\u{a0}?",
        "Almost empty page: a blank copy, or a page left out at the scanner?",
    ),
    (
        "copies.flag_unsure_why",
        "Le sens de la page n\u{2019}a pas pu être déterminé\u{a0}: vérifiez-la et faites-la pivoter (R) si besoin.",
        "The page\u{2019}s orientation could not be told: check it and rotate it (R) if needed.",
    ),
    (
        "copies.unexpected_why",
        "Le nombre de pages ne correspond pas au format de l\u{2019}examen\u{a0}: page manquante, en trop, ou deux copies réunies\u{a0}?",
        "The page count does not match the exam\u{2019}s layout: a page missing or extra, or two copies in one?",
    ),
    (
        "copies.flagged_only",
        "Seules les copies avec des pages à vérifier sont affichées.",
        "Only the copies with pages to check are shown.",
    ),
    ("copies.show_all", "Tout afficher", "Show everything"),
    (
        "copies.keys",
        "Clavier\u{a0}: ←/→ choisir une page, R pivoter, B blanche, S couper avant, Suppr retirer. Glissez les vignettes pour réordonner ou déplacer.",
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
        "Aucune copie\u{a0}: envoyez d\u{2019}abord les scans.",
        "No copies yet: upload the scans first.",
    ),
    ("nav.grading", "Correction", "Grading"),
    (
        "grading.title",
        "Mes copies à corriger",
        "My copies to grade",
    ),
    (
        "grading.empty",
        "Aucune copie ne vous a été attribuée pour l\u{2019}instant. Le responsable de l\u{2019}examen les répartit depuis l\u{2019}onglet Correction de l\u{2019}examen.",
        "No copy has been given to you yet. The exam\u{2019}s manager shares them out from the exam\u{2019}s Grading tab.",
    ),
    ("grading.to_grade", "à corriger", "to grade"),
    ("grading.in_progress", "en cours", "in progress"),
    ("grading.graded", "corrigées", "graded"),
    ("grading.next", "Copie suivante", "Next copy"),
    ("grading.start", "Commencer", "Start"),
    (
        "grading.all_done",
        "Toutes vos copies sont corrigées.",
        "All your copies are graded.",
    ),
    ("grading.copies", "Copies", "Copies"),
    ("grading.code", "Copie", "Copy"),
    ("grading.state", "État", "State"),
    ("grading.my_to_grade", "À corriger", "To grade"),
    ("grading.my_in_progress", "En cours", "In progress"),
    ("grading.my_graded", "Corrigée", "Graded"),
    (
        "grading.anonymous",
        "Les copies sont anonymes\u{a0}: seuls leurs codes sont affichés.",
        "Copies are anonymous: only their codes are shown.",
    ),
    ("desk.title", "Copie", "Copy"),
    ("desk.pages", "Pages de la copie", "The copy\u{2019}s pages"),
    (
        "desk.over",
        "«\u{a0}{label}\u{a0}» au-dessus de son maximum ({max})",
        "“{label}” above its maximum ({max})",
    ),
    ("desk.back", "Mes copies", "My copies"),
    (
        "desk.tools",
        "Outils d\u{2019}annotation",
        "Annotation tools",
    ),
    ("desk.tool.select", "Sélection", "Select"),
    ("desk.tool.pen", "Stylo", "Pen"),
    ("desk.tool.highlight", "Surligneur", "Highlighter"),
    ("desk.tool.text", "Texte", "Text"),
    ("desk.tool.tick", "Coche", "Tick"),
    ("desk.tool.cross", "Croix", "Cross"),
    ("desk.tool.rect", "Rectangle", "Rectangle"),
    ("desk.tool.ellipse", "Ellipse", "Ellipse"),
    ("desk.tool.arrow", "Flèche", "Arrow"),
    ("desk.tool.stamp", "Commentaire", "Comment"),
    ("desk.tool.eraser", "Gomme", "Eraser"),
    ("desk.undo", "Annuler", "Undo"),
    ("desk.redo", "Rétablir", "Redo"),
    ("desk.colors", "Couleur", "Colour"),
    ("desk.color.red", "Rouge", "Red"),
    ("desk.color.green", "Vert", "Green"),
    ("desk.color.blue", "Bleu", "Blue"),
    ("desk.color.black", "Noir", "Black"),
    ("desk.color.orange", "Orange", "Orange"),
    ("desk.zoom_in", "Zoom avant", "Zoom in"),
    ("desk.zoom_out", "Zoom arrière", "Zoom out"),
    ("desk.fit", "Ajuster à la largeur", "Fit to width"),
    ("desk.one_page", "Page par page", "Page by page"),
    ("desk.page_of", "Page {n} / {total}", "Page {n} / {total}"),
    ("desk.prev_copy", "Copie précédente", "Previous copy"),
    ("desk.next_copy", "Copie suivante", "Next copy"),
    ("desk.help", "Raccourcis clavier", "Keyboard shortcuts"),
    ("desk.scheme", "Barème", "Marking scheme"),
    ("desk.points", "Points", "Points"),
    ("desk.out_of", "sur {max}", "out of {max}"),
    ("desk.remark", "Remarque", "Remark"),
    ("desk.total", "Total", "Total"),
    (
        "desk.appreciation",
        "Appréciation générale",
        "Overall appreciation",
    ),
    ("desk.finalize", "Terminer la copie", "Finish the copy"),
    ("desk.finalized", "Copie terminée.", "Copy finished."),
    (
        "desk.graded_readonly",
        "Copie corrigée\u{a0}: lecture seule. Un responsable de l\u{2019}examen peut la rouvrir.",
        "Graded copy: read-only. A manager of the exam can reopen it.",
    ),
    ("desk.missing", "Il manque encore\u{a0}:", "Still missing:"),
    (
        "desk.missing_appreciation",
        "l\u{2019}appréciation générale",
        "the overall appreciation",
    ),
    (
        "desk.wait_saves",
        "Des modifications ne sont pas encore enregistrées\u{a0}: reconnectez-vous avant de terminer la copie.",
        "Some changes are not saved yet: get back online before finishing the copy.",
    ),
    (
        "desk.bad_points",
        "Saisissez un nombre de points par quarts (ex. 2,5 ou 1,75).",
        "Enter points in quarters (e.g. 2.5 or 1.75).",
    ),
    (
        "desk.too_many",
        "Au plus {max} points pour cette question.",
        "At most {max} points for this question.",
    ),
    ("desk.saved", "Enregistré", "Saved"),
    ("desk.saving", "Enregistrement…", "Saving…"),
    (
        "desk.offline_one",
        "Hors ligne\u{a0}: {n} modification en attente",
        "Offline: {n} change waiting",
    ),
    (
        "desk.offline_many",
        "Hors ligne\u{a0}: {n} modifications en attente",
        "Offline: {n} changes waiting",
    ),
    (
        "desk.session",
        "Session expirée\u{a0}: reconnectez-vous dans un autre onglet, vos modifications partiront ensuite.",
        "Session expired: log in again in another tab, your changes will then be sent.",
    ),
    (
        "desk.conflict_score",
        "La note de «\u{a0}{q}\u{a0}» a été modifiée ailleurs (autre onglet ou autre correcteur)\u{a0}: elle vaut maintenant {current}. Votre saisie ({mine}) n\u{2019}a pas été enregistrée.",
        "The score of “{q}” was changed elsewhere (another tab or corrector): it is now {current}. Your entry ({mine}) was not saved.",
    ),
    (
        "desk.conflict_appreciation",
        "L\u{2019}appréciation a été modifiée ailleurs\u{a0}: la version enregistrée est affichée. Votre texte n\u{2019}a pas été enregistré\u{a0}:",
        "The appreciation was changed elsewhere: the saved version is shown. Your text was not saved:",
    ),
    (
        "desk.conflict_mark",
        "Une annotation a été modifiée ailleurs\u{a0}: les annotations enregistrées sont affichées.",
        "A mark was changed elsewhere: the saved marks are shown.",
    ),
    ("desk.keep_mine", "Garder ma saisie", "Keep my entry"),
    ("desk.dismiss", "Fermer", "Close"),
    (
        "desk.refused",
        "Modification refusée\u{a0}: {message}",
        "Change refused: {message}",
    ),
    (
        "desk.text_placeholder",
        "Votre texte (Entrée pour valider, Échap pour annuler)",
        "Your text (Enter to confirm, Esc to cancel)",
    ),
    (
        "desk.stamp_placeholder",
        "Commentaire à apposer (Entrée pour valider)",
        "Comment to stamp (Enter to confirm)",
    ),
    (
        "desk.no_more",
        "Plus aucune copie à corriger dans cet examen.",
        "No copy left to grade in this exam.",
    ),
    (
        "desk.loading",
        "Chargement de la copie…",
        "Loading the copy…",
    ),
    (
        "desk.load_failed",
        "La copie n\u{2019}a pas pu être chargée\u{a0}: {message}",
        "The copy could not be loaded: {message}",
    ),
    (
        "desk.page_alt",
        "Page {n} de la copie {code}",
        "Page {n} of copy {code}",
    ),
    ("desk.keys_tools", "Outils", "Tools"),
    ("desk.keys_nav", "Navigation", "Navigation"),
    ("desk.keys_scores", "Notes", "Scores"),
    ("desk.key.undo", "Annuler / rétablir", "Undo / redo"),
    (
        "desk.key.delete",
        "Supprimer l\u{2019}annotation sélectionnée",
        "Delete the selected mark",
    ),
    (
        "desk.key.zoom",
        "Zoom avant / arrière, ajuster à la largeur",
        "Zoom in / out, fit to width",
    ),
    (
        "desk.key.pages",
        "Page précédente / suivante",
        "Previous / next page",
    ),
    (
        "desk.key.copies",
        "Copie suivante / précédente",
        "Next / previous copy",
    ),
    (
        "desk.key.score",
        "Aller à la première question sans note",
        "Go to the first question without a score",
    ),
    (
        "desk.key.tab",
        "Question suivante / précédente (dans une note)",
        "Next / previous question (in a score)",
    ),
    (
        "desk.key.remark",
        "Remarque de la question (dans une note)",
        "The question\u{2019}s remark (in a score)",
    ),
    ("desk.key.help", "Afficher cette aide", "Show this help"),
    (
        "desk.key.escape",
        "Fermer, revenir à la sélection",
        "Close, back to select",
    ),
    ("desk.key.finalize", "Terminer la copie", "Finish the copy"),
    ("desk.close", "Fermer", "Close"),
    ("desk.bank", "Commentaires", "Comments"),
    (
        "desk.bank_hint",
        "Choisissez un commentaire puis cliquez sur la page pour l\u{2019}y apposer. S\u{2019}il porte des points pour une question, ils s\u{2019}ajoutent à sa note.",
        "Pick a comment, then click on the page to stamp it. When it carries points for a question, they are added to its score.",
    ),
    (
        "desk.bank_search",
        "Rechercher un commentaire",
        "Search the comments",
    ),
    (
        "desk.bank_shared",
        "Commentaires de l\u{2019}épreuve",
        "The exam's comments",
    ),
    ("desk.bank_mine", "Mes commentaires", "My comments"),
    ("desk.bank_delete", "Supprimer", "Delete"),
    (
        "desk.bank_delete_confirm",
        "Supprimer le commentaire «\u{a0}{text}\u{a0}»\u{a0}? Les tampons déjà posés restent.",
        "Delete the comment \u{201c}{text}\u{201d}? Stamps already placed stay.",
    ),
    (
        "desk.bank_no_match",
        "Aucun commentaire ne correspond.",
        "No comment matches.",
    ),
    (
        "desk.bank_empty",
        "Aucun commentaire pour l\u{2019}instant\u{a0}: ajoutez les vôtres ci-dessous.",
        "No comment yet: add yours below.",
    ),
    (
        "desk.bank_picked",
        "Commentaire choisi\u{a0}: cliquez sur la page pour l\u{2019}apposer.",
        "Comment picked: click on the page to stamp it.",
    ),
    (
        "desk.bank_text_required",
        "Écrivez le texte du commentaire.",
        "Write the comment's text.",
    ),
    ("desk.bank_no_question", "— aucune —", "— none —"),
    ("desk.bank_add", "Nouveau commentaire", "New comment"),
    ("desk.bank_text", "Texte", "Text"),
    ("desk.bank_points", "Points", "Points"),
    ("desk.bank_question", "Question", "Question"),
    (
        "desk.bank_share",
        "Partager avec les correcteurs de l\u{2019}épreuve",
        "Share with the exam's correctors",
    ),
    ("desk.bank_add_submit", "Ajouter", "Add"),
    (
        "grading.my_questions",
        "Mes questions\u{a0}:",
        "My questions:",
    ),
    (
        "grading.on_every_copy",
        "(sur toutes les copies)",
        "(on every copy)",
    ),
    (
        "desk.other_corrector",
        "autre correcteur",
        "another corrector",
    ),
    (
        "desk.part_done",
        "Votre partie de cette copie est terminée\u{a0}: lecture seule. Un responsable de l\u{2019}épreuve peut la rouvrir.",
        "Your part of this copy is finished: read-only. A manager of the exam can reopen it.",
    ),
    ("desk.finalize_part", "Terminer ma partie", "Finish my part"),
    (
        "desk.part_finalized",
        "Votre partie est terminée.",
        "Your part is finished.",
    ),
    (
        "desk.progress_mine",
        "{done} / {total} de mes questions notées",
        "{done} / {total} of my questions scored",
    ),
    (
        "desk.progress",
        "{done} / {total} questions notées",
        "{done} / {total} questions scored",
    ),
    ("hub.settings", "Paramètres", "Settings"),
    ("hub.next", "À faire maintenant", "Next step"),
    ("hub.to_complete", "à compléter", "to complete"),
    ("hub.scans", "Copies scannées", "Scanned copies"),
    ("hub.copy", "copie", "copy"),
    ("hub.copies", "copies", "copies"),
    ("hub.to_check", "pages à vérifier", "pages to check"),
    ("hub.processing", "traitement en cours", "being processed"),
    ("hub.identified", "identifiées", "identified"),
    ("hub.grading", "Correction", "Grading"),
    ("hub.graded_word", "corrigées", "graded"),
    ("hub.results", "Résultats", "Results"),
    ("hub.results_later", "après la correction", "after grading"),
    (
        "hub.my_copies",
        "mes copies à corriger",
        "my copies to grade",
    ),
    ("hub.unassigned", "sans correcteur", "without a corrector"),
    ("hub.distribution", "Répartition", "Distribution"),
    (
        "hub.no_dispatch",
        "Aucune copie n\u{2019}est encore répartie.",
        "No copy is shared out yet.",
    ),
    ("hub.corrector", "Correcteur", "Corrector"),
    ("hub.assigned", "Attribuées", "Assigned"),
    ("hub.started", "Commencées", "Started"),
    ("hub.graded_col", "Corrigées", "Graded"),
    (
        "hub.release",
        "Reprendre les copies non commencées",
        "Take back untouched copies",
    ),
    (
        "hub.release_confirm",
        "Reprendre les copies que ce correcteur n\u{2019}a pas commencées\u{a0}? Elles retourneront dans le lot à répartir.",
        "Take back the copies this corrector has not started? They return to the pool.",
    ),
    (
        "hub.dispatch",
        "Répartir la correction",
        "Share out the grading",
    ),
    (
        "hub.dispatch_hint",
        "Les copies sont réparties au hasard et équitablement (au plus une d\u{2019}écart, compte tenu des parts) entre les correcteurs cochés\u{a0}; une part «\u{a0}½\u{a0}» reçoit deux fois moins de copies. Une copie déjà commencée ne change jamais de correcteur.",
        "Copies are shared out at random and evenly (at most one apart) among the correctors ticked; a \u{201c}½\u{201d} share receives half as many. A copy already started never changes corrector.",
    ),
    (
        "hub.correctors",
        "Correcteurs (identifiants séparés par des virgules)",
        "Correctors (usernames separated by commas)",
    ),
    (
        "hub.dispatch_confirm",
        "Répartir les copies entre ces correcteurs\u{a0}?",
        "Share out the copies among these correctors?",
    ),
    ("hub.preview", "Aperçu", "Preview"),
    (
        "hub.preview_moved",
        "Aperçu\u{a0}: {n} copie(s) changeraient de correcteur. Rien n\u{2019}est encore appliqué.",
        "Preview: {n} copy(ies) would change corrector. Nothing is applied yet.",
    ),
    ("hub.dispatch_submit", "Répartir", "Share out"),
    (
        "hub.questions_unassigned",
        "question(s) sans correcteur",
        "question(s) without a corrector",
    ),
    (
        "hub.mode_copies_now",
        "Répartition par copies\u{a0}: chaque correcteur corrige ses copies en entier.",
        "Shared out by copies: each corrector grades whole copies.",
    ),
    (
        "hub.mode_questions_now",
        "Répartition par questions\u{a0}: chaque correcteur corrige ses questions sur toutes les copies\u{a0}; une copie est corrigée quand toutes ses questions le sont.",
        "Shared out by questions: each corrector grades their questions on every copy; a copy is graded when all its questions are.",
    ),
    (
        "hub.questions_nobody",
        "Personne ne corrige encore\u{a0}:",
        "Nobody grades yet:",
    ),
    ("hub.questions", "Questions", "Questions"),
    ("hub.question", "Question", "Question"),
    ("hub.points", "Points", "Points"),
    (
        "hub.release_questions",
        "Reprendre les questions non commencées",
        "Take back untouched questions",
    ),
    (
        "hub.release_questions_confirm",
        "Reprendre les questions que ce correcteur n\u{2019}a notées sur aucune copie\u{a0}? Elles n\u{2019}auront plus de correcteur.",
        "Take back the questions this corrector has scored on no copy? They will have no corrector.",
    ),
    (
        "hub.no_corrector",
        "Aucun correcteur n\u{2019}est encore membre de cette épreuve. Ajoutez-en dans les",
        "No corrector is a member of this exam yet. Add some in the",
    ),
    ("hub.mode", "Répartir par", "Share out by"),
    ("hub.mode_copies", "copies entières", "whole copies"),
    (
        "hub.mode_questions",
        "questions (chacun ses questions sur toutes les copies)",
        "questions (each their questions on every copy)",
    ),
    ("hub.takes_part", "Participe", "Takes part"),
    ("hub.share", "Part des copies", "Share of copies"),
    ("hub.share_full", "entière", "full"),
    ("hub.manager", "responsable", "manager"),
    (
        "hub.dispatch_questions_hint",
        "Choisissez un correcteur pour chaque question. Une question déjà notée garde son correcteur\u{a0}: pour la confier à quelqu\u{2019}un d\u{2019}autre, utilisez «\u{a0}Confier\u{a0}» sur sa ligne (les notes et annotations sont conservées).",
        "Choose a corrector for each question. A question already scored keeps its corrector: to give it to someone else, use \u{201c}Give\u{201d} on its row (scores and marks are kept).",
    ),
    (
        "hub.dispatch_questions_confirm",
        "Répartir les questions entre ces correcteurs\u{a0}?",
        "Share out the questions among these correctors?",
    ),
    (
        "hub.pick_corrector",
        "choisissez d\u{2019}abord un correcteur dans la liste.",
        "choose a corrector in the list first.",
    ),
    ("hub.assign", "Confier", "Give"),
    (
        "hub.assign_confirm",
        "Confier cette question au correcteur choisi\u{a0}? Ses notes et annotations sont conservées.",
        "Give this question to the chosen corrector? Its scores and marks are kept.",
    ),
    (
        "hub.preview_questions",
        "Aperçu\u{a0}: {n} question(s) changeraient de correcteur. Rien n\u{2019}est encore appliqué.",
        "Preview: {n} question(s) would change corrector. Nothing is applied yet.",
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
        "Rien de lu pour l\u{2019}instant (lecture en cours ou en-tête absent).",
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
    (
        "error.home",
        "Retour à l\u{2019}accueil",
        "Back to the home page",
    ),
    (
        "error.forbidden",
        "Vous n\u{2019}avez pas accès à cette page.",
        "You are not allowed to see this page.",
    ),
    (
        "error.not_found",
        "Cette page n\u{2019}existe pas.",
        "This page does not exist.",
    ),
];

/// French versions of the server's English messages: (English, French); `{}` stands for a part
/// carried over (a number, a name, a line), itself translated when it is a known message.
const MESSAGES_FR: &[(&str, &str)] = &[
    (
        "unknown kind of mark `{}`: expected pen, highlight, text, tick, cross, rect, ellipse, arrow or stamp",
        "Type d\u{2019}annotation inconnu «\u{a0}{}\u{a0}»\u{a0}: stylo, surligneur, texte, coche, croix, rectangle, ellipse, flèche ou commentaire attendu.",
    ),
    (
        "the mark's `{}` is missing or not a number",
        "Annotation\u{a0}: «\u{a0}{}\u{a0}» manque ou n\u{2019}est pas un nombre.",
    ),
    (
        "the mark's `{}` lies outside the page (coordinates go from 0 to 1)",
        "Annotation\u{a0}: «\u{a0}{}\u{a0}» sort de la page (les coordonnées vont de 0 à 1).",
    ),
    (
        "a stroke has from 1 to 5000 points",
        "Un trait compte de 1 à 5\u{a0}000 points.",
    ),
    (
        "a mark's text has from 1 to 2000 characters",
        "Le texte d\u{2019}une annotation compte de 1 à 2\u{a0}000 caractères.",
    ),
    (
        "a colour is written #rrggbb",
        "Une couleur s\u{2019}écrit #rrggbb.",
    ),
    (
        "the mark has a field `{}` its kind does not use",
        "L\u{2019}annotation a un champ «\u{a0}{}\u{a0}» que son type n\u{2019}utilise pas.",
    ),
    (
        "a comment stays shared or personal: add a new one instead",
        "Un commentaire reste partagé ou personnel\u{a0}: ajoutez-en un nouveau.",
    ),
    (
        "a comment has from 1 to 500 characters",
        "Un commentaire compte de 1 à 500 caractères.",
    ),
    (
        "a comment's points go by quarter points, from -100 to 100",
        "Les points d\u{2019}un commentaire vont par quarts de point, de −100 à 100.",
    ),
    (
        "comment {} is not in this exam's comment bank",
        "Le commentaire {} n\u{2019}est pas dans la banque de commentaires de cette épreuve.",
    ),
    (
        "`{}` is not a member of this exam: add them first",
        "«\u{a0}{}\u{a0}» n\u{2019}est pas membre de cette épreuve\u{a0}: ajoutez-le d\u{2019}abord dans ses paramètres.",
    ),
    (
        "`{}` is not one of your questions: another corrector grades it",
        "«\u{a0}{}\u{a0}» n\u{2019}est pas l\u{2019}une de vos questions\u{a0}: un autre correcteur la corrige.",
    ),
    (
        "`{}` is not a question of this exam's scheme that takes a score",
        "«\u{a0}{}\u{a0}» n\u{2019}est pas une question notée du barème de cette épreuve.",
    ),
    (
        "`{}` is not a question of this exam's scheme",
        "«\u{a0}{}\u{a0}» n\u{2019}est pas une question du barème de cette épreuve.",
    ),
    (
        "`{}` is given to two correctors: each question has one",
        "«\u{a0}{}\u{a0}» est confiée à deux correcteurs\u{a0}: chaque question en a un seul.",
    ),
    (
        "nobody grades {}: give every question to a corrector",
        "Personne ne corrige {}\u{a0}: confiez chaque question à un correcteur.",
    ),
    (
        "give at least one question to a corrector",
        "Confiez au moins une question à un correcteur.",
    ),
    (
        "choose at least one corrector",
        "Choisissez au moins un correcteur.",
    ),
    (
        "every corrector's share must be a positive number",
        "La part de chaque correcteur doit être un nombre positif.",
    ),
    (
        "a corrector is listed twice",
        "Un correcteur figure deux fois dans la liste.",
    ),
    (
        "a remark has at most 2,000 characters",
        "Une remarque compte au plus 2\u{a0}000 caractères.",
    ),
    (
        "an appreciation has at most 2,000 characters",
        "Une appréciation compte au plus 2\u{a0}000 caractères.",
    ),
    (
        "another corrector drew this mark: only they can change it",
        "Un autre correcteur a tracé cette annotation\u{a0}: lui seul peut la modifier.",
    ),
    (
        "only a graded copy (or a finalized part of one) can be reopened",
        "Seule une copie corrigée (ou dont une partie est terminée) peut être rouverte.",
    ),
    (
        "say why the copy is reopened",
        "Indiquez pourquoi la copie est rouverte.",
    ),
    (
        "this copy changed meanwhile: reload it",
        "Cette copie a changé entre-temps\u{a0}: rechargez-la.",
    ),
    (
        "this copy is graded: a manager must reopen it before it changes",
        "Cette copie est corrigée\u{a0}: un responsable de l\u{2019}épreuve doit la rouvrir avant toute modification.",
    ),
    (
        "this copy is graded: reopen it before giving it to someone else",
        "Cette copie est corrigée\u{a0}: rouvrez-la avant de la confier à quelqu\u{2019}un d\u{2019}autre.",
    ),
    (
        "this copy is not being graded (already graded, or not started)",
        "Cette copie n\u{2019}est pas en cours de correction (déjà corrigée, ou pas commencée).",
    ),
    (
        "this copy was finalized meanwhile",
        "Cette copie a été terminée entre-temps.",
    ),
    (
        "this exam is dispatched by copies: give a copy to someone else instead",
        "Cette épreuve est répartie par copies\u{a0}: confiez plutôt une copie à quelqu\u{2019}un d\u{2019}autre.",
    ),
    (
        "this exam is dispatched by questions: give a question to someone else instead",
        "Cette épreuve est répartie par questions\u{a0}: confiez plutôt une question à quelqu\u{2019}un d\u{2019}autre.",
    ),
    (
        "this exam is graded by questions and scores are given: reassign questions instead of dispatching by copies",
        "Cette épreuve est corrigée par questions et des notes sont déjà données\u{a0}: confiez les questions à d\u{2019}autres correcteurs plutôt que de répartir par copies.",
    ),
    (
        "this mark was changed meanwhile (another tab): reload it",
        "Cette annotation a été modifiée entre-temps (autre onglet)\u{a0}: rechargez la copie.",
    ),
    (
        "this page is not one of the copy's pages",
        "Cette page n\u{2019}appartient pas à la copie.",
    ),
    (
        "this score was saved meanwhile (another tab or corrector): reload it",
        "Cette note a été enregistrée entre-temps (autre onglet ou autre correcteur)\u{a0}: rechargez la copie.",
    ),
    (
        "unknown mode `{}`: expected copies or questions",
        "Mode inconnu «\u{a0}{}\u{a0}»\u{a0}: copies ou questions attendu.",
    ),
    (
        "you finalized `{}` on this copy: a manager must reopen it before it changes",
        "Vous avez terminé «\u{a0}{}\u{a0}» sur cette copie\u{a0}: un responsable doit la rouvrir avant toute modification.",
    ),
    (
        "you finalized your part of this copy: a manager must reopen it before it changes",
        "Vous avez terminé votre partie de cette copie\u{a0}: un responsable doit la rouvrir avant toute modification.",
    ),
    (
        "your part of this copy is already finalized",
        "Votre partie de cette copie est déjà terminée.",
    ),
    (
        "{} copies are already being graded by copies: finish or release them before dispatching by questions",
        "{} copies sont déjà en cours de correction par copies\u{a0}: terminez-les ou reprenez-les avant de répartir par questions.",
    ),
    (
        "{} already scored by another corrector: reassign them one by one if you mean it",
        "{}\u{a0}: déjà noté par un autre correcteur\u{a0}; utilisez «\u{a0}Confier\u{a0}» question par question si c\u{2019}est voulu.",
    ),
    (
        "{} points is more than the {} of `{}`",
        "{} points, c\u{2019}est plus que les {} de «\u{a0}{}\u{a0}».",
    ),
    ("{} question(s) without a score", "{} question(s) sans note"),
    ("no appreciation", "pas d\u{2019}appréciation"),
    (
        "{} score(s) above their maximum",
        "{} note(s) au-dessus de leur maximum",
    ),
    (
        "{} score(s) already given exceed their question's new maximum: confirm to save (they are kept and flagged on their copies)",
        "{} note(s) déjà attribuée(s) dépassent le nouveau maximum de leur question\u{a0}: confirmez pour enregistrer (elles sont conservées et signalées sur leurs copies)",
    ),
    (
        "wrong username or password",
        "Identifiant ou mot de passe incorrect.",
    ),
    (
        "this account is deactivated: ask an administrator",
        "Ce compte est désactivé\u{a0}: adressez-vous à un administrateur.",
    ),
    (
        "too many failed attempts: try again in {} seconds",
        "Trop de tentatives échouées\u{a0}: réessayez dans {} secondes.",
    ),
    (
        "you must change your password first",
        "Vous devez d\u{2019}abord changer votre mot de passe.",
    ),
    (
        "you are not allowed to do this",
        "Vous n\u{2019}avez pas le droit de faire cela.",
    ),
    (
        "you are not logged in",
        "Vous n\u{2019}êtes pas connecté\u{a0}: reconnectez-vous.",
    ),
    (
        "this setup link is invalid or was already used",
        "Ce lien de configuration n\u{2019}est pas valide ou a déjà servi.",
    ),
    (
        "an internal error occurred; it has been logged",
        "Une erreur interne s\u{2019}est produite\u{a0}; elle a été enregistrée. Réessayez plus tard.",
    ),
    (
        "the current password is wrong",
        "Le mot de passe actuel est incorrect.",
    ),
    (
        "the new password must differ from the current one",
        "Le nouveau mot de passe doit être différent de l\u{2019}actuel.",
    ),
    (
        "the password must have at least {} characters",
        "Le mot de passe doit comporter au moins {} caractères.",
    ),
    (
        "the password must have at most {} characters",
        "Le mot de passe doit comporter au plus {} caractères.",
    ),
    (
        "the password may not contain the username",
        "Le mot de passe ne doit pas contenir l\u{2019}identifiant.",
    ),
    (
        "this password is too common: choose one that others are unlikely to use",
        "Ce mot de passe est trop courant\u{a0}: choisissez-en un moins prévisible.",
    ),
    (
        "the username must have at least 2 characters",
        "L\u{2019}identifiant doit comporter au moins 2 caractères.",
    ),
    (
        "the username must have at most 150 characters",
        "L\u{2019}identifiant doit comporter au plus 150 caractères.",
    ),
    (
        "the username may not contain `{}`: use letters, digits and . _ @ + -",
        "L\u{2019}identifiant ne peut pas contenir «\u{a0}{}\u{a0}»\u{a0}: utilisez des lettres, des chiffres et . _ @ + -",
    ),
    ("the name may not be empty", "Le nom est obligatoire."),
    (
        "the name may not contain control characters",
        "Le nom ne peut pas contenir de caractères de contrôle.",
    ),
    (
        "the name must have at most 200 characters",
        "Le nom doit comporter au plus 200 caractères.",
    ),
    (
        "`{}` is not a valid e-mail address",
        "«\u{a0}{}\u{a0}» n\u{2019}est pas une adresse e-mail valide.",
    ),
    (
        "`{}` is not an e-mail address (no @)",
        "«\u{a0}{}\u{a0}» n\u{2019}est pas une adresse e-mail (pas de @).",
    ),
    (
        "this {} is already taken",
        "Cette valeur ({}) est déjà utilisée.",
    ),
    (
        "this is the last active admin: create another admin first",
        "C\u{2019}est le dernier administrateur actif\u{a0}: créez-en un autre d\u{2019}abord.",
    ),
    (
        "you cannot remove your own admin rights or deactivate yourself",
        "Vous ne pouvez pas retirer vos propres droits d\u{2019}administrateur ni vous désactiver.",
    ),
    (
        "unknown role `{}`: expected admin, teacher or student",
        "Rôle inconnu «\u{a0}{}\u{a0}»\u{a0}: administrateur (admin), enseignant (teacher) ou élève (student) attendu.",
    ),
    (
        "unknown language `{}`: expected fr or en",
        "Langue inconnue «\u{a0}{}\u{a0}»\u{a0}: fr ou en attendu.",
    ),
    (
        "no active account `{}`",
        "Aucun compte actif avec l\u{2019}identifiant «\u{a0}{}\u{a0}».",
    ),
    (
        "this login and activation code do not match (or the code was already used)",
        "Cet identifiant et ce code d\u{2019}activation ne correspondent pas (ou le code a déjà servi).",
    ),
    (
        "this student has no account yet: generate the accounts of their class first",
        "Cet élève n\u{2019}a pas encore de compte\u{a0}: créez d\u{2019}abord ceux de sa classe.",
    ),
    (
        "every student of {} already has an account",
        "Tous les élèves de {} ont déjà un compte\u{a0}: il n\u{2019}y a rien à imprimer.",
    ),
    (
        "every student already has an account",
        "Tous les élèves ont déjà un compte\u{a0}: il n\u{2019}y a rien à imprimer.",
    ),
    (
        "missing or invalid CSRF token: reload the page and try again",
        "La page a expiré\u{a0}: rechargez-la (F5) puis recommencez.",
    ),
    (
        "cross-site request refused: the page that sent it is not a trusted origin",
        "Requête refusée\u{a0}: elle ne vient pas d\u{2019}une page de Korrigo.",
    ),
    (
        "this host name is not served here (see KORRIGO_ALLOWED_HOSTS)",
        "Ce nom d\u{2019}hôte n\u{2019}est pas servi ici (voir KORRIGO_ALLOWED_HOSTS).",
    ),
    (
        "a valid metrics token is required (X-Metrics-Token header or ?token=)",
        "Un jeton de métriques valide est requis (en-tête X-Metrics-Token ou\u{a0}?token=).",
    ),
    (
        "the field `{}` is too long: {} characters, at most {}",
        "Le champ «\u{a0}{}\u{a0}» est trop long\u{a0}: {} caractères, {} au plus.",
    ),
    (
        "the request body is too large (see KORRIGO_API_MAX_BYTES)",
        "Les données envoyées sont trop volumineuses.",
    ),
    (
        "the request body was not received in time",
        "Les données envoyées ne sont pas arrivées à temps\u{a0}: vérifiez la connexion et réessayez.",
    ),
    (
        "the request body is not the expected JSON: {}",
        "Les données envoyées ne sont pas valides\u{a0}: {}",
    ),
    (
        "no such API route: {}",
        "Cette adresse de l\u{2019}API n\u{2019}existe pas\u{a0}: {}",
    ),
    (
        "{} not found",
        "Introuvable (ou vous n\u{2019}y avez pas accès).",
    ),
    ("the file is empty", "Le fichier est vide."),
    (
        "this is not a CSV file (it contains binary data)",
        "Ce n\u{2019}est pas un fichier CSV (il contient des données binaires).",
    ),
    (
        "no recognisable header: found columns {}; expected at least a last name (Nom), a first name (Prénom) and a birth date (Né(e) le), or an Élèves column with a birth date",
        "En-tête non reconnu (colonnes trouvées\u{a0}: {})\u{a0}: il faut au moins les colonnes Nom, Prénom et Né(e) le, ou une colonne Élèves et une date de naissance.",
    ),
    (
        "no recognisable header: found columns {}; expected a last name (Nom) and an e-mail (Adresse e-mail)",
        "En-tête non reconnu (colonnes trouvées\u{a0}: {})\u{a0}: il faut au moins les colonnes Nom et Adresse e-mail.",
    ),
    (
        "this file is a student roster (it has a {} column): import it from Students (Élèves), not as staff",
        "Ce fichier est une liste d\u{2019}élèves (il a une colonne «\u{a0}{}\u{a0}»)\u{a0}: importez-le depuis la page Élèves, pas comme liste du personnel.",
    ),
    (
        "unreadable CSV near line {}: {}",
        "CSV illisible vers la ligne {}\u{a0}: {}",
    ),
    (
        "{} fields where the header has {}",
        "{} champs alors que l\u{2019}en-tête en a {}",
    ),
    ("the last name is missing", "le nom manque"),
    ("the first name is missing", "le prénom manque"),
    ("the birth date is missing", "la date de naissance manque"),
    ("the e-mail is missing", "l\u{2019}adresse e-mail manque"),
    (
        "invalid birth date: {}",
        "date de naissance invalide\u{a0}: {}",
    ),
    ("invalid e-mail: {}", "adresse e-mail invalide\u{a0}: {}"),
    ("duplicate of line {}", "doublon de la ligne {}"),
    (
        "cannot tell the last name from the first name in `{}` (expected the last name in capitals first)",
        "impossible de séparer le nom du prénom dans «\u{a0}{}\u{a0}» (le nom en capitales doit venir d\u{2019}abord)",
    ),
    (
        "`{}` is not a date (expected dd/mm/yyyy or yyyy-mm-dd)",
        "«\u{a0}{}\u{a0}» n\u{2019}est pas une date (jj/mm/aaaa ou aaaa-mm-jj attendu)",
    ),
    ("{} is not a date", "{} n\u{2019}est pas une date"),
    (
        "the year {} is out of range",
        "l\u{2019}année {} n\u{2019}est pas plausible",
    ),
    (
        "the class name `{}` is longer than 50 characters",
        "le nom de classe «\u{a0}{}\u{a0}» dépasse 50 caractères",
    ),
    (
        "another student has the same name and birth date",
        "un autre élève a les mêmes nom, prénom et date de naissance",
    ),
    ("another student has this INE", "un autre élève a cet INE"),
    (
        "the file is {} MB; an import file may have at most {} MB",
        "Le fichier fait {} Mo\u{a0}; un fichier d\u{2019}import peut faire au plus {} Mo.",
    ),
    (
        "the file is larger than the {} MB accepted for an import",
        "Le fichier dépasse les {} Mo acceptés pour un import.",
    ),
    (
        "the file could not be read: {}",
        "Le fichier n\u{2019}a pas pu être lu\u{a0}: {}",
    ),
    (
        "unknown sort `{}`: expected name, class or group",
        "Tri inconnu «\u{a0}{}\u{a0}»\u{a0}: nom (name), classe (class) ou groupe (group) attendu.",
    ),
    (
        "the uploaded file is missing from the file store",
        "Le fichier envoyé a disparu du stockage\u{a0}: envoyez-le de nouveau.",
    ),
    (
        "the exam needs a name",
        "L\u{2019}examen doit avoir un nom.",
    ),
    (
        "the subject must have at most 100 characters",
        "La matière doit comporter au plus 100 caractères.",
    ),
    (
        "unknown layout `{}`: expected a4:N (N pages per copy) or a3",
        "Format inconnu «\u{a0}{}\u{a0}»\u{a0}: A4 (a4:N, N pages par copie) ou A3 (copies doubles) attendu.",
    ),
    (
        "`{}`: the number of A4 pages per copy must be from 1 to 64",
        "«\u{a0}{}\u{a0}»\u{a0}: le nombre de pages A4 par copie doit aller de 1 à 64.",
    ),
    (
        "the grade scale must be from 1 to 1000, not {}",
        "La note doit être sur 1 à 1000, pas sur {}.",
    ),
    (
        "`{}` is not a coefficient (a number from 0.1 to 100 with one decimal at most)",
        "«\u{a0}{}\u{a0}» n\u{2019}est pas un coefficient (un nombre de 0,1 à 100 avec une décimale au plus).",
    ),
    (
        "`{}` is not a coefficient",
        "«\u{a0}{}\u{a0}» n\u{2019}est pas un coefficient.",
    ),
    (
        "unknown exam role `{}`: expected manager or corrector",
        "Rôle inconnu «\u{a0}{}\u{a0}»\u{a0}: gestionnaire (manager) ou correcteur (corrector) attendu.",
    ),
    (
        "an exam needs at least one manager",
        "Un examen doit garder au moins un gestionnaire.",
    ),
    (
        "only teachers and admins can be members of an exam",
        "Seuls les enseignants et administrateurs peuvent être membres d\u{2019}un examen.",
    ),
    (
        "someone else saved this scheme meanwhile: reload it to see their changes",
        "Quelqu\u{2019}un d\u{2019}autre a enregistré ce barème entre-temps\u{a0}: rechargez la page pour voir ses changements.",
    ),
    (
        "the scheme totals {} points but the exam is graded out of {}: confirm to save it (grades will be scaled)",
        "Le barème totalise {} points mais l\u{2019}examen est noté sur {}\u{a0}: confirmez pour l\u{2019}enregistrer (les notes seront ramenées à l\u{2019}échelle).",
    ),
    (
        "`{}` has no maximum points",
        "«\u{a0}{}\u{a0}» n\u{2019}a pas de maximum de points.",
    ),
    (
        "`{}` has sub-questions, so its points are their total and cannot be set",
        "«\u{a0}{}\u{a0}» a des sous-questions\u{a0}: ses points sont leur total et ne se saisissent pas.",
    ),
    (
        "`{}` is nested too deeply (exercise → question → sub-question at most)",
        "«\u{a0}{}\u{a0}» est trop imbriqué (exercice → question → sous-question au plus).",
    ),
    ("`{}` is worth 0 points", "«\u{a0}{}\u{a0}» vaut 0 point."),
    (
        "`{}` is not a valid node id",
        "«\u{a0}{}\u{a0}» n\u{2019}est pas un identifiant de nœud valide.",
    ),
    (
        "the id `{}` is used twice",
        "L\u{2019}identifiant «\u{a0}{}\u{a0}» est utilisé deux fois.",
    ),
    (
        "a node at position {} has no label",
        "Le nœud en position {} n\u{2019}a pas d\u{2019}intitulé.",
    ),
    (
        "the label at position {} is longer than 200 characters",
        "L\u{2019}intitulé en position {} dépasse 200 caractères.",
    ),
    (
        "the scheme has more than {} nodes",
        "Le barème a plus de {} éléments.",
    ),
    (
        "{} is not a multiple of 0.25",
        "{} n\u{2019}est pas un multiple de 0,25\u{a0}: les points vont par quarts de point.",
    ),
    (
        "{} is not a valid number of points",
        "{} n\u{2019}est pas un nombre de points valide.",
    ),
    (
        "{} points is more than the maximum of 1000",
        "{} points dépassent le maximum de 1000.",
    ),
    (
        "`{}` is not a number of points",
        "«\u{a0}{}\u{a0}» n\u{2019}est pas un nombre de points.",
    ),
    (
        "unknown sort `{}`: expected newest, date or name",
        "Tri inconnu «\u{a0}{}\u{a0}»\u{a0}: récents (newest), date ou nom (name) attendu.",
    ),
    ("the file needs a name", "Le fichier doit avoir un nom."),
    (
        "the file is {} MB, more than the limit of {} MB",
        "Le fichier fait {} Mo, plus que la limite de {} Mo.",
    ),
    (
        "the upload is at byte {}, not {}: resume from there",
        "L\u{2019}envoi en est à l\u{2019}octet {}, pas {}\u{a0}: reprenez à partir de là.",
    ),
    (
        "the chunk goes past the declared size ({} bytes) or over {} MB",
        "Ce morceau dépasse la taille annoncée ({} octets) ou {} Mo.",
    ),
    (
        "this upload is already complete",
        "Cet envoi est déjà complet.",
    ),
    (
        "another upload of this chunk won the race; ask for the offset again",
        "Ce morceau a déjà été reçu par un autre envoi\u{a0}; redemandez la position.",
    ),
    (
        "send the Upload-Offset header: the number of bytes already received",
        "Envoyez l\u{2019}en-tête Upload-Offset\u{a0}: le nombre d\u{2019}octets déjà reçus.",
    ),
    (
        "this batch is being processed; wait for it to finish",
        "Ce fichier est en cours de traitement\u{a0}: attendez la fin.",
    ),
    (
        "this batch is not waiting for a decision about a duplicate",
        "Ce fichier n\u{2019}attend pas de décision sur un doublon.",
    ),
    (
        "this batch's pages are in copies: edit them in the repair desk",
        "Les pages de ce fichier sont dans des copies\u{a0}: modifiez-les dans l\u{2019}atelier de réparation.",
    ),
    (
        "unknown grouping `{}`: expected fixed, headers or loose",
        "Regroupement inconnu «\u{a0}{}\u{a0}»\u{a0}: fixe (fixed), par en-têtes (headers) ou pages libres (loose) attendu.",
    ),
    (
        "{}: not a PDF, a ZIP or a JPEG/PNG image (the file starts with {})",
        "{}\u{a0}: ni un PDF, ni un ZIP, ni une image JPEG/PNG.",
    ),
    (
        "{}: the ZIP archive cannot be read ({})",
        "{}\u{a0}: l\u{2019}archive ZIP est illisible ({}).",
    ),
    (
        "{}: the file has no pages",
        "{}\u{a0}: le fichier n\u{2019}a aucune page.",
    ),
    (
        "{}: {} pages is more than the limit of {} per file; split the file",
        "{}\u{a0}: {} pages, plus que la limite de {} par fichier\u{a0}; découpez le fichier.",
    ),
    (
        "{}, page {}: the image declares {} × {} pixels, more than the limit of {} (a corrupt or hostile file)",
        "{}, page {}\u{a0}: l\u{2019}image annonce {} × {} pixels, plus que la limite de {} (fichier corrompu ou malveillant).",
    ),
    ("{}, page {}: {}", "{}, page {}\u{a0}: {}"),
    (
        "the PDF is truncated: its end (startxref / %%EOF) is missing; upload the complete file",
        "Le PDF est tronqué\u{a0}: sa fin manque\u{a0}; envoyez le fichier complet.",
    ),
    (
        "the PDF is encrypted or password-protected; save an unprotected copy and upload it again",
        "Le PDF est chiffré ou protégé par mot de passe\u{a0}; enregistrez-en une copie non protégée et envoyez-la.",
    ),
    ("the PDF is damaged: {}", "Le PDF est endommagé ({})."),
    (
        "the file does not start like a PDF (no %PDF- header)",
        "Le fichier ne commence pas comme un PDF.",
    ),
    (
        "an archive inside an archive; unpack it first",
        "Une archive dans l\u{2019}archive\u{a0}: décompressez-la d\u{2019}abord.",
    ),
    (
        "{} is itself a ZIP; unpack it first",
        "{} est lui-même un ZIP\u{a0}: décompressez-le d\u{2019}abord.",
    ),
    (
        "a copy cannot be merged into itself",
        "Une copie ne peut pas être fusionnée avec elle-même.",
    ),
    (
        "a copy needs at least one page; merge or delete its pages instead",
        "Une copie doit garder au moins une page\u{a0}: fusionnez-la ou retirez ses pages.",
    ),
    ("choose at least one page", "Choisissez au moins une page."),
    (
        "copy {} is {}: reopen it before changing its pages",
        "La copie {} est {}\u{a0}: rouvrez-la avant de changer ses pages.",
    ),
    ("page {} is listed twice", "La page {} est citée deux fois."),
    (
        "split before a page from 2 to {}",
        "Coupez avant une page de 2 à {}.",
    ),
    (
        "rotation must be 0, 90, 180 or 270 degrees, not {}",
        "La rotation doit être de 0, 90, 180 ou 270 degrés, pas {}.",
    ),
    (
        "choose a student, or not_student",
        "Choisissez un élève, ou «\u{a0}pas un élève\u{a0}».",
    ),
    (
        "this student is already on copy {}: swap (that copy goes back to pending)?",
        "Cet élève est déjà sur la copie {}\u{a0}: échanger (cette copie repasse à identifier)\u{a0}?",
    ),
    (
        "this student is not concerned by the exam (check its classes)",
        "Cet élève n\u{2019}est pas concerné par l\u{2019}examen (vérifiez ses classes).",
    ),
    (
        "expected pending, auto, manual or all",
        "Filtre attendu\u{a0}: à identifier (pending), automatiques (auto), manuelles (manual) ou toutes (all).",
    ),
    (
        "unknown format `{}`: expected pdf or json",
        "Format inconnu «\u{a0}{}\u{a0}»\u{a0}: pdf ou json attendu.",
    ),
    ("unknown action `{}`", "Action inconnue «\u{a0}{}\u{a0}»."),
    (
        "discarding this file also deletes the {} copies made from it",
        "Supprimer ce fichier supprime aussi les {} copies faites à partir de lui. Continuer\u{a0}?",
    ),
    (
        "copy {} is already being graded: this file can no longer be discarded",
        "La copie {} est déjà en correction\u{a0}: ce fichier ne peut plus être supprimé.",
    ),
    (
        "some of its copies also hold pages of another file: move those pages in the repair desk first",
        "Certaines de ses copies contiennent aussi des pages d\u{2019}un autre fichier\u{a0}: déplacez-les d\u{2019}abord dans l\u{2019}atelier de réparation.",
    ),
    ("processing failed: {}", "Le traitement a échoué\u{a0}: {}"),
    (
        "cannot read the uploaded file: {}",
        "Le fichier envoyé est illisible\u{a0}: {}",
    ),
    ("{}: {}", "{}\u{a0}: {}"),
    // A list of problems ("2 question(s) without a score, no appreciation"), each translated.
    ("{}, {}", "{}, {}"),
];

/// Splits `text` along `template` (`{}` matches any non-empty part): the parts, or `None`
/// when the text does not have the template's shape.
fn match_template<'a>(template: &str, text: &'a str) -> Option<Vec<&'a str>> {
    let pieces: Vec<&str> = template.split("{}").collect();
    let mut rest = text.strip_prefix(pieces[0])?;
    let mut parts = Vec::new();
    for (i, piece) in pieces.iter().enumerate().skip(1) {
        let last = i == pieces.len() - 1;
        let at = if last {
            if !rest.ends_with(piece) {
                return None;
            }
            rest.len() - piece.len()
        } else {
            // The part ends at the first occurrence of the next literal (after one character).
            rest.get(1..)?.find(piece)? + 1
        };
        if at == 0 {
            return None;
        }
        parts.push(&rest[..at]);
        rest = &rest[at + piece.len()..];
    }
    (pieces.len() == 1 && rest.is_empty() || pieces.len() > 1).then_some(parts)
}

/// A message of the server (the use cases speak English) in the caller's language. Unknown
/// messages are left as they are; the parts a template carries over are translated too when
/// they are messages themselves ("the request body is not the expected JSON: 0.3 is not a
/// multiple of 0.25").
pub fn translate(locale: Locale, english: &str) -> String {
    if locale == Locale::En {
        return english.to_string();
    }
    for (en, fr) in MESSAGES_FR {
        let Some(parts) = match_template(en, english) else {
            continue;
        };
        let mut out = String::new();
        let mut parts = parts.into_iter();
        for (i, piece) in fr.split("{}").enumerate() {
            if i > 0
                && let Some(p) = parts.next()
            {
                let inner = translate(locale, p);
                // A sentence carried inside another one loses its full stop, and its capital
                // unless it starts the message.
                let inner = if inner != p {
                    let t = inner.trim_end_matches('.');
                    let mut c = t.chars();
                    match c.next() {
                        Some(f) if !out.is_empty() => f.to_lowercase().chain(c).collect(),
                        _ => t.to_string(),
                    }
                } else {
                    inner
                };
                out.push_str(&inner);
            }
            out.push_str(piece);
        }
        return out;
    }
    english.to_string()
}

/// The caller's language on API routes (set by the `/api/` middleware; French otherwise).
#[derive(Clone, Copy, Debug)]
pub struct ReqLocale(pub Locale);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ReqLocale {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(ReqLocale(
            parts
                .extensions
                .get::<Locale>()
                .copied()
                .unwrap_or_default(),
        ))
    }
}

/// Rejected rows of an import with their reasons in the caller's language.
pub fn localize_rejected(locale: Locale, rows: &mut [korrigo_domain::roster::Rejected]) {
    for r in rows {
        r.reason = translate(locale, &r.reason);
    }
}

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

    /// The text of `key`, or `fallback` when the table has none (so that a new code shows as
    /// itself rather than as a key).
    pub fn get_or<'a>(&self, key: &str, fallback: &'a str) -> &'a str {
        match TABLE.iter().find(|(k, ..)| *k == key) {
            Some((_, fr, en)) => match self.locale {
                Locale::Fr => fr,
                Locale::En => en,
            },
            None => fallback,
        }
    }

    /// An audit entry's action in words ("Connexion refusée").
    pub fn audit_action(&self, action: &str) -> String {
        self.get_or(&format!("audit.a.{action}"), action)
            .to_string()
    }

    /// A background job's kind in words.
    pub fn job_kind(&self, kind: &str) -> String {
        self.get_or(&format!("job.{kind}"), kind).to_string()
    }

    /// An audited object in words ("compte alice", "copie n° 12").
    pub fn audit_object(&self, object_type: &str, id: &str, username: Option<&str>) -> String {
        let what = self.get_or(&format!("audit.o.{object_type}"), object_type);
        match (object_type, username) {
            ("user", Some(u)) => format!("{what} {u}"),
            ("user", None) if id.parse::<i64>().is_err() => format!("{what} «\u{a0}{id}\u{a0}»"),
            ("user", None) => format!("{what} n°\u{a0}{id}"),
            _ => format!("{what}\u{a0}{id}"),
        }
    }

    /// An audit entry's details as words: "motif : mot de passe erroné · identifiant saisi :
    /// x" instead of JSON.
    pub fn audit_details(&self, details: &str) -> String {
        let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(details)
        else {
            return String::new();
        };
        let sep = match self.locale {
            Locale::Fr => "\u{a0}: ",
            Locale::En => ": ",
        };
        map.iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| {
                let value = match v {
                    serde_json::Value::String(s) => {
                        self.get_or(&format!("audit.v.{s}"), s).to_string()
                    }
                    serde_json::Value::Bool(b) => self
                        .get(if *b { "audit.v.true" } else { "audit.v.false" })
                        .to_string(),
                    serde_json::Value::Array(items) => items
                        .iter()
                        .map(|i| {
                            i.as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| i.to_string())
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                    other => other.to_string(),
                };
                let key = self.get_or(&format!("audit.k.{k}"), k);
                if key.ends_with('°') || key.ends_with('.') {
                    format!("{key}\u{a0}{value}")
                } else {
                    format!("{key}{sep}{value}")
                }
            })
            .collect::<Vec<_>>()
            .join(" · ")
    }

    /// Every text whose key starts with `prefix`, as a JSON object keyed by the rest of the key:
    /// a page script's words come from this table like the server's.
    pub fn messages(&self, prefix: &str) -> String {
        let map: serde_json::Map<String, serde_json::Value> = TABLE
            .iter()
            .filter_map(|(k, fr, en)| {
                let rest = k.strip_prefix(prefix)?;
                let text = match self.locale {
                    Locale::Fr => fr,
                    Locale::En => en,
                };
                Some((rest.to_string(), serde_json::Value::from(*text)))
            })
            .collect();
        serde_json::Value::Object(map).to_string()
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
    fn audit_entries_read_as_words() {
        let t = Tr { locale: Locale::Fr };
        assert_eq!(t.audit_action("login.failed"), "Connexion refusée");
        assert_eq!(
            t.audit_details(r#"{"reason":"wrong_password","login":"martin"}"#),
            "identifiant saisi\u{a0}: martin · motif\u{a0}: mot de passe erroné"
        );
        assert_eq!(
            t.audit_details(r#"{"copy":12,"method":"manual","student":7,"previous":null}"#),
            "copie n°\u{a0}12 · méthode\u{a0}: à la main · élève n°\u{a0}7"
        );
        assert_eq!(t.audit_object("user", "2", Some("admin")), "compte admin");
        assert_eq!(t.audit_object("copy", "12", None), "copie n°\u{a0}12");
        assert_eq!(
            t.job_kind("scans.process"),
            "Traitement d\u{2019}un fichier scanné"
        );
        // Every audit action has its words.
        for a in korrigo_domain::audit::AuditAction::ALL {
            assert_ne!(t.audit_action(a.as_str()), a.as_str(), "{}", a.as_str());
        }
    }

    #[test]
    fn french_typography_everywhere() {
        for (key, fr, _) in TABLE {
            for p in [" :", " ;", " ?", " !"] {
                assert!(!fr.contains(p), "{key}: plain space before {p}: {fr}");
            }
            assert!(!fr.contains('\''), "{key}: straight apostrophe in {fr}");
        }
    }

    #[test]
    fn server_messages_are_translated_with_their_parts() {
        let fr = |m: &str| translate(Locale::Fr, m);
        assert_eq!(
            fr("the current password is wrong"),
            "Le mot de passe actuel est incorrect."
        );
        assert_eq!(
            fr("every student of TS1 already has an account"),
            "Tous les élèves de TS1 ont déjà un compte\u{a0}: il n\u{2019}y a rien à imprimer."
        );
        assert_eq!(
            fr("the request body is not the expected JSON: 0.3 is not a multiple of 0.25"),
            "Les données envoyées ne sont pas valides\u{a0}: 0.3 n\u{2019}est pas un multiple de 0,25\u{a0}: les points vont par quarts de point"
        );
        assert_eq!(fr("duplicate of line 4"), "doublon de la ligne 4");
        assert_eq!(
            fr(
                "the request body is not the expected JSON: the mark's `comment` is missing or not a number"
            ),
            "Les données envoyées ne sont pas valides\u{a0}: annotation\u{a0}: «\u{a0}comment\u{a0}» manque ou n\u{2019}est pas un nombre"
        );
        assert_eq!(
            fr("2 question(s) without a score, no appreciation, 1 score(s) above their maximum"),
            "2 question(s) sans note, pas d\u{2019}appréciation, 1 note(s) au-dessus de leur maximum"
        );
        assert_eq!(
            fr("`Exercice 1 · b` is not one of your questions: another corrector grades it"),
            "«\u{a0}Exercice 1 · b\u{a0}» n\u{2019}est pas l\u{2019}une de vos questions\u{a0}: un autre correcteur la corrige."
        );
        assert_eq!(fr("something new"), "something new");
        assert_eq!(
            translate(Locale::En, "duplicate of line 4"),
            "duplicate of line 4"
        );
        // Every French text has French typography: no plain space before : ; ? !
        for (en, fr) in MESSAGES_FR {
            for p in [" :", " ;", " ?", " !", "'"] {
                assert!(!fr.contains(p), "{en}: {fr}");
            }
            assert!(en.matches("{}").count() >= fr.matches("{}").count(), "{en}");
        }
    }

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
