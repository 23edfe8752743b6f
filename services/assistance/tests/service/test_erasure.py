"""An erased owner's documents: their files deleted from the media store (as voices deletes
an erased storyteller's recordings), other owners' files kept, a redelivery harmless."""

from pathlib import Path
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncEngine

from assistance.erasure import delete_documents_of, owners
from contracts.identity.events import PersonErased
from contracts.roles import CAREGIVER, PATIENT
from kit import personal
from kit.media import LocalMediaStore
from tests.documents import pdf, png
from tests.service_tier import Tier

from .conftest import member
from .test_handlers import application, doc


async def test_an_erased_owners_document_files_are_deleted_and_no_one_elses(
        assistance: Tier, engine: AsyncEngine, media_dir: Path) -> None:
    anita, ravi = await member(engine, CAREGIVER), await member(engine, PATIENT)
    hers = str((await assistance.ok("apply", application(), anita))["application_id"])
    his = str((await assistance.ok("apply", application(), ravi))["application_id"])
    for data in (pdf(), png()):
        await assistance.ok("upload_document", doc(data, hers), anita)
    kept = await assistance.ok("upload_document", doc(pdf(), his), ravi)
    assert len(list(media_dir.iterdir())) == 3
    media = LocalMediaStore(media_dir)
    async with engine.begin() as conn:  # identity shreds the key, then tells everyone
        await personal.PersonalData.shred(conn, anita.user_id)
        assert await delete_documents_of(conn, media, anita.user_id) == 2
        assert await delete_documents_of(conn, media, anita.user_id) == 2  # again: harmless
    assert [f.name for f in media_dir.iterdir()] == [
        f"assistance-{UUID(kept['document_id']).hex}"]
    view = await assistance.ok("get_application", {"application_id": hers}, anita)
    assert len(view["documents"]) == 2  # what happened stays; the files are gone
    assert owners(media).handler_for(PersonErased.event_type) is not None
    assert owners(media).durable == "assistance-owners"
