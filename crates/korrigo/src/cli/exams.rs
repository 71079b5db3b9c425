//! `korrigo exams`: create and list exams.

use super::*;

#[derive(Subcommand)]
pub(crate) enum ExamsCommand {
    /// Create an exam; prints its id.
    Create {
        /// Name.
        #[arg(long)]
        name: String,
        /// Subject (for exports).
        #[arg(long, default_value = "")]
        subject: String,
        /// Date (yyyy-mm-dd or dd/mm/yyyy).
        #[arg(long)]
        date: Option<String>,
        /// a4:N (N A4 pages per copy) or a3 (copies doubles).
        #[arg(long, default_value = "a4:4")]
        layout: String,
        /// Classes concerned, comma-separated (default: every student).
        #[arg(long, value_delimiter = ',')]
        classes: Vec<String>,
        /// Grade scale ("out of").
        #[arg(long, default_value_t = 20)]
        grade_scale: i64,
        /// Coefficient.
        #[arg(long, default_value = "1")]
        coefficient: String,
        /// Username of the teacher who manages it (admins manage every exam anyway).
        #[arg(long)]
        manager: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List exams.
    List {
        /// Include archived exams.
        #[arg(long)]
        archived: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

pub(super) async fn exams(
    file: Option<&std::path::Path>,
    command: ExamsCommand,
) -> Result<ExitCode> {
    let app = open_app(file).await?;
    let system = korrigo_app::accounts::system_session();
    match command {
        ExamsCommand::Create {
            name,
            subject,
            date,
            layout,
            classes,
            grade_scale,
            coefficient,
            manager,
            json,
        } => {
            let input = korrigo_app::exams::ExamInput {
                name,
                subject,
                date,
                classes,
                layout: Some(layout),
                grade_scale: Some(grade_scale),
                coefficient: Some(serde_json::Value::String(coefficient)),
            };
            let mut exam = app
                .create_exam(&system, &input, &cli_client())
                .await
                .map_err(app_err)?;
            if let Some(m) = manager {
                let member = korrigo_app::exams::MemberInput {
                    username: m,
                    role: "manager".into(),
                };
                exam = app
                    .set_exam_member(&system, exam.exam.id, &member, &cli_client())
                    .await
                    .map_err(app_err)?;
            }
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "id": exam.exam.id, "name": exam.exam.name, "subject": exam.exam.subject, "date": exam.exam.date,
                        "layout": exam.exam.layout, "classes": exam.exam.classes, "grade_scale": exam.exam.grade_scale,
                        "coefficient": exam.exam.coefficient, "students": exam.student_count,
                    }))?
                );
            } else {
                println!(
                    "Created exam {} `{}` ({} students concerned).",
                    exam.exam.id, exam.exam.name, exam.student_count
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        ExamsCommand::List { archived, json } => {
            let mut all = vec![];
            for page in 1.. {
                let p = app
                    .list_exams(
                        &system,
                        None,
                        archived,
                        korrigo_store::exams::ExamSort::Newest,
                        korrigo_domain::PageRequest::new(Some(page), Some(500)),
                    )
                    .await
                    .map_err(app_err)?;
                let n = p.items.len();
                all.extend(p.items);
                if n < 500 {
                    break;
                }
            }
            if json {
                let items: Vec<_> = all.iter().map(|i| serde_json::json!({
                    "id": i.exam.id, "name": i.exam.name, "subject": i.exam.subject, "date": i.exam.date,
                    "layout": i.exam.layout, "classes": i.exam.classes, "grade_scale": i.exam.grade_scale,
                    "coefficient": i.exam.coefficient, "archived": i.exam.archived_at.is_some(),
                })).collect();
                println!("{}", serde_json::to_string_pretty(&items)?);
            } else if all.is_empty() {
                println!("No exam. Create one with `korrigo exams create --name ...`.");
            } else {
                for i in &all {
                    println!(
                        "{:>5}  {:<40} {:<10} {:<6} {}",
                        i.exam.id,
                        i.exam.name,
                        i.exam.date.map(|d| d.french()).unwrap_or_default(),
                        i.exam.layout,
                        i.exam.classes.join(",")
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
