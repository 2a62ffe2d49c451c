"""The DataLoaders of feedbacks (src/schema/loaders.py makes them per request): a page of feedbacks reads
the bodies they are addressed to in one statement."""

from strawberry.dataloader import DataLoader

from src.models import EvaluationFeedbackRecipient
from src.schema.loaders import Sessionmaker, loader, many_by


@loader
def recipients_by_feedback(sessionmaker: Sessionmaker) -> DataLoader[int, list[EvaluationFeedbackRecipient]]:
    recipient = EvaluationFeedbackRecipient
    return many_by(sessionmaker, recipient, recipient.feedback_id, [recipient.id])
